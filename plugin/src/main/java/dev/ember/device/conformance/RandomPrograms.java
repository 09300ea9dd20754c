package dev.ember.device.conformance;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.catalyst.expressions.Abs;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.BRound;
import org.apache.spark.sql.catalyst.expressions.BitwiseAnd;
import org.apache.spark.sql.catalyst.expressions.BitwiseNot;
import org.apache.spark.sql.catalyst.expressions.BitwiseOr;
import org.apache.spark.sql.catalyst.expressions.BitwiseXor;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.CaseWhen;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.Coalesce;
import org.apache.spark.sql.catalyst.expressions.DateAdd;
import org.apache.spark.sql.catalyst.expressions.DateDiff;
import org.apache.spark.sql.catalyst.expressions.DateSub;
import org.apache.spark.sql.catalyst.expressions.DayOfMonth;
import org.apache.spark.sql.catalyst.expressions.Divide;
import org.apache.spark.sql.catalyst.expressions.EqualNullSafe;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.EvalMode$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.GreaterThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.InSet;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.LessThan;
import org.apache.spark.sql.catalyst.expressions.LessThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Month;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.Not;
import org.apache.spark.sql.catalyst.expressions.NumericEvalContext;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.catalyst.expressions.Remainder;
import org.apache.spark.sql.catalyst.expressions.Round;
import org.apache.spark.sql.catalyst.expressions.ShiftLeft;
import org.apache.spark.sql.catalyst.expressions.ShiftRight;
import org.apache.spark.sql.catalyst.expressions.ShiftRightUnsigned;
import org.apache.spark.sql.catalyst.expressions.Subtract;
import org.apache.spark.sql.catalyst.expressions.TryEval;
import org.apache.spark.sql.catalyst.expressions.UnaryMinus;
import org.apache.spark.sql.catalyst.expressions.Year;
import org.apache.spark.sql.catalyst.optimizer.NormalizeNaNAndZero;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.Enumeration;
import scala.Option;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Seeded random Catalyst expression trees over the types and operators the CUDA expression kernel
 * covers (the math family too: Abs, bitwise operators, shifts, Round/BRound, date arithmetic), read from
 * the columns of {@link #INPUTS}. Leaves favour the values that make Spark's
 * rules matter: zeros (division), extremes (overflow), NaN and -0.0 (ordering), nulls.
 */
final class RandomPrograms {

    static final DataType BOOLEAN = DataTypes.BooleanType;
    static final DataType BYTE = DataTypes.ByteType;
    static final DataType SHORT = DataTypes.ShortType;
    static final DataType INT = DataTypes.IntegerType;
    static final DataType LONG = DataTypes.LongType;
    static final DataType FLOAT = DataTypes.FloatType;
    static final DataType DOUBLE = DataTypes.DoubleType;
    static final DataType DATE = DataTypes.DateType;
    static final DataType TIMESTAMP = DataTypes.TimestampType;

    /** The input columns, by ordinal. */
    static final List<DataType> INPUTS = List.of(BOOLEAN, BYTE, SHORT, INT, INT, LONG, LONG, FLOAT, DOUBLE, DOUBLE,
            DATE, TIMESTAMP, BOOLEAN);

    /** The result types the generator is asked for. */
    static final List<DataType> RESULTS = List.of(BOOLEAN, BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, DATE, TIMESTAMP);

    private static final List<DataType> INTEGRAL = List.of(BYTE, SHORT, INT, LONG);
    private static final List<DataType> NUMERIC = List.of(BYTE, SHORT, INT, LONG, FLOAT, DOUBLE);
    private static final List<DataType> COMPARABLE = List.of(BOOLEAN, BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, DATE,
            TIMESTAMP);
    private static final List<Enumeration.Value> MODES = List.of(EvalMode$.MODULE$.ANSI(), EvalMode$.MODULE$.LEGACY(),
            EvalMode$.MODULE$.TRY());

    private final Random random;

    RandomPrograms(Random random) {
        this.random = random;
    }

    /** A random tree of {@code type} at most {@code depth} operators deep. */
    Expression generate(DataType type, int depth) {
        if (depth == 0 || random.nextInt(6) == 0) {
            return leaf(type);
        }
        int next = depth - 1;
        Expression result = switch (random.nextInt(8)) {
            case 0 -> new If(generate(BOOLEAN, next), generate(type, next), generate(type, next));
            case 1 -> new Coalesce(seq(generate(type, next), generate(type, next)));
            case 2 -> {
                List<Tuple2<Expression, Expression>> branches = new ArrayList<>();
                for (int branch = 0; branch <= random.nextInt(2); branch++) {
                    branches.add(new Tuple2<>(generate(BOOLEAN, next), generate(type, next)));
                }
                yield new CaseWhen(CollectionConverters.asScala(branches).toList(),
                        random.nextBoolean() ? Option.apply(generate(type, next)) : Option.empty());
            }
            default -> specific(type, next);
        };
        return random.nextInt(25) == 0 ? new TryEval(result) : result;
    }

    private Expression specific(DataType type, int next) {
        if (type == BOOLEAN) {
            return predicate(next);
        } else if (type == DATE && random.nextBoolean()) {
            DataType days = pick(INT, SHORT, BYTE);
            return random.nextBoolean() ? new DateAdd(generate(DATE, next), generate(days, next))
                    : new DateSub(generate(DATE, next), generate(days, next));
        } else if (type == DATE || type == TIMESTAMP) {
            return leaf(type);
        }
        boolean floating = type == FLOAT || type == DOUBLE;
        int choice = random.nextInt(floating ? 9 : 11);
        if (choice == 8 && floating || choice >= 9) {
            return math(type, next);
        }
        switch (choice) {
            case 0:
                return new Add(generate(type, next), generate(type, next), context());
            case 1:
                return new Subtract(generate(type, next), generate(type, next), context());
            case 2:
                return new Multiply(generate(type, next), generate(type, next), context());
            case 3:
                return new Remainder(generate(type, next), generate(type, next), context());
            case 4:
                return new UnaryMinus(generate(type, next), random.nextBoolean());
            case 5:
                return type == DOUBLE ? new Divide(generate(DOUBLE, next), generate(DOUBLE, next), context())
                        : cast(type, next);
            case 6:
                return floating ? new NormalizeNaNAndZero(generate(type, next)) : cast(type, next);
            case 7:
                return cast(type, next);
            default:
                Expression date = generate(DATE, next);
                Expression field = switch (random.nextInt(3)) {
                    case 0 -> new Year(date);
                    case 1 -> new Month(date);
                    default -> new DayOfMonth(date);
                };
                return type == INT ? field : new Cast(field, type, Option.apply("UTC"), mode());
        }
    }

    /** Abs of any numeric type; for integral types also the bitwise operators, shifts, Round/BRound and DateDiff. */
    private Expression math(DataType type, int next) {
        if (type == FLOAT || type == DOUBLE) {
            return new Abs(generate(type, next), random.nextBoolean());
        }
        boolean shifts = type == INT || type == LONG;
        Literal scale = new Literal(pick(-20, -19, -3, -1, 0, 2), INT);
        return switch (random.nextInt(8)) {
            case 0 -> new Abs(generate(type, next), random.nextBoolean());
            case 1 -> new BitwiseAnd(generate(type, next), generate(type, next));
            case 2 -> random.nextBoolean() ? new BitwiseOr(generate(type, next), generate(type, next))
                    : new BitwiseXor(generate(type, next), generate(type, next));
            case 3 -> new BitwiseNot(generate(type, next));
            case 4 -> shifts ? new ShiftLeft(generate(type, next), generate(INT, next))
                    : new BitwiseNot(generate(type, next));
            case 5 -> !shifts ? new Abs(generate(type, next), true) : random.nextBoolean()
                    ? new ShiftRight(generate(type, next), generate(INT, next))
                    : new ShiftRightUnsigned(generate(type, next), generate(INT, next));
            case 6 -> random.nextBoolean() ? new Round(generate(type, next), scale, random.nextBoolean())
                    : new BRound(generate(type, next), scale, random.nextBoolean());
            default -> type == INT ? new DateDiff(generate(DATE, next), generate(DATE, next))
                    : new Abs(generate(type, next), false);
        };
    }

    private Expression cast(DataType type, int next) {
        List<DataType> sources = new ArrayList<>(NUMERIC);
        sources.add(BOOLEAN);
        DataType from = sources.get(random.nextInt(sources.size()));
        return new Cast(generate(from, next), type, Option.apply("UTC"), mode());
    }

    private Expression predicate(int next) {
        DataType operand = COMPARABLE.get(random.nextInt(COMPARABLE.size()));
        return switch (random.nextInt(13)) {
            case 0 -> new And(generate(BOOLEAN, next), generate(BOOLEAN, next));
            case 1 -> new Or(generate(BOOLEAN, next), generate(BOOLEAN, next));
            case 2 -> new Not(generate(BOOLEAN, next));
            case 3 -> new EqualTo(generate(operand, next), generate(operand, next));
            case 4 -> new LessThan(generate(operand, next), generate(operand, next));
            case 5 -> new LessThanOrEqual(generate(operand, next), generate(operand, next));
            case 6 -> new GreaterThan(generate(operand, next), generate(operand, next));
            case 7 -> new GreaterThanOrEqual(generate(operand, next), generate(operand, next));
            case 8 -> new EqualNullSafe(generate(operand, next), generate(operand, next));
            case 9 -> random.nextBoolean() ? new IsNull(generate(operand, next)) : new IsNotNull(generate(operand, next));
            case 10 -> in(next);
            case 11 -> inSet(next);
            default -> new Cast(generate(NUMERIC.get(random.nextInt(NUMERIC.size())), next), BOOLEAN,
                    Option.apply("UTC"), mode());
        };
    }

    private Expression in(int next) {
        DataType type = random.nextBoolean() ? INTEGRAL.get(random.nextInt(INTEGRAL.size())) : DOUBLE;
        List<Expression> list = new ArrayList<>();
        for (int element = 0; element <= random.nextInt(4); element++) {
            list.add(random.nextInt(5) == 0 ? new Literal(null, type) : new Literal(edgeValue(type), type));
        }
        return new In(generate(type, next), CollectionConverters.asScala(list).toList());
    }

    private Expression inSet(int next) {
        DataType type = random.nextBoolean() ? INT : DOUBLE;
        Set<Object> set = new HashSet<>();
        for (int element = 0; element <= random.nextInt(4); element++) {
            set.add(random.nextInt(5) == 0 ? null : edgeValue(type));
        }
        return new InSet(generate(type, next), CollectionConverters.asScala(set).toSet());
    }

    private Expression leaf(DataType type) {
        if (random.nextInt(3) != 0) {
            List<Integer> ordinals = new ArrayList<>();
            for (int ordinal = 0; ordinal < INPUTS.size(); ordinal++) {
                if (INPUTS.get(ordinal).equals(type)) {
                    ordinals.add(ordinal);
                }
            }
            if (!ordinals.isEmpty()) {
                return new BoundReference(ordinals.get(random.nextInt(ordinals.size())), type, true);
            }
        }
        return new Literal(random.nextInt(8) == 0 ? null : edgeValue(type), type);
    }

    /** A value of {@code type} in Catalyst's internal representation, often an edge value. */
    Object edgeValue(DataType type) {
        boolean edge = random.nextInt(3) == 0;
        if (type == BOOLEAN) {
            return random.nextBoolean();
        } else if (type == BYTE) {
            return edge ? pick((byte) 0, (byte) 1, (byte) -1, Byte.MIN_VALUE, Byte.MAX_VALUE) : (byte) random.nextInt();
        } else if (type == SHORT) {
            return edge ? pick((short) 0, (short) -1, Short.MIN_VALUE, Short.MAX_VALUE) : (short) random.nextInt();
        } else if (type == INT || type == DATE) {
            if (type == DATE) {
                return edge ? pick(0, -1, 59, 11_016, -719_162, 2_932_896) : random.nextInt(200_000) - 100_000;
            }
            return edge ? pick(0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE) : random.nextInt(2001) - 1000;
        } else if (type == LONG || type == TIMESTAMP) {
            return edge ? pick(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE)
                    : random.nextBoolean() ? random.nextLong() : (long) random.nextInt(2001) - 1000;
        } else if (type == FLOAT) {
            return edge ? pick(0.0f, -0.0f, Float.NaN, Float.POSITIVE_INFINITY, Float.MAX_VALUE, -1.5f)
                    : random.nextBoolean() ? Float.intBitsToFloat(random.nextInt()) : (float) (random.nextInt(200) - 100);
        }
        return edge ? pick(0.0, -0.0, Double.NaN, Double.NEGATIVE_INFINITY, 1e300, 9.3e18, -2.5)
                : random.nextBoolean() ? Double.longBitsToDouble(random.nextLong()) : random.nextInt(2000) / 8.0 - 100;
    }

    @SafeVarargs
    private <T> T pick(T... values) {
        return values[random.nextInt(values.length)];
    }

    private NumericEvalContext context() {
        return new NumericEvalContext(mode(), true);
    }

    private Enumeration.Value mode() {
        return MODES.get(random.nextInt(MODES.size()));
    }

    private static scala.collection.immutable.Seq<Expression> seq(Expression... values) {
        return CollectionConverters.asScala(List.of(values)).toList();
    }
}
