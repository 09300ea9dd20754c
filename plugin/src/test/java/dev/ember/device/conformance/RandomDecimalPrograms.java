package dev.ember.device.conformance;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.CaseWhen;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.Coalesce;
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
import org.apache.spark.sql.catalyst.expressions.MakeDecimal;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.NumericEvalContext;
import org.apache.spark.sql.catalyst.expressions.Remainder;
import org.apache.spark.sql.catalyst.expressions.Subtract;
import org.apache.spark.sql.catalyst.expressions.TryEval;
import org.apache.spark.sql.catalyst.expressions.UnaryMinus;
import org.apache.spark.sql.catalyst.expressions.UnscaledValue;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import scala.Enumeration;
import scala.Option;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Seeded random Catalyst expressions over decimals of several precisions and scales, read from the
 * columns of {@link #INPUTS}: arithmetic in LEGACY, ANSI and TRY modes (with and without Spark's
 * precision loss), casts to and from decimals, comparisons, IN lists, conditionals. Values favour
 * the edges: zero, one unit, plus and minus the largest value of the precision, halves that round
 * (5 in the first dropped digit), and values near the limits that overflow after rounding.
 */
final class RandomDecimalPrograms {

    static final DataType BOOLEAN = DataTypes.BooleanType;
    static final DataType INT = DataTypes.IntegerType;
    static final DataType LONG = DataTypes.LongType;

    /** The input columns, by ordinal. */
    static final List<DataType> INPUTS = List.of(decimal(5, 2), decimal(9, 0), decimal(12, 4), decimal(18, 6),
            decimal(20, 2), decimal(38, 10), decimal(38, 0), decimal(10, 10), LONG, INT, BOOLEAN, decimal(7, 3),
            decimal(15, 15), decimal(18, 0));

    private static final int[] PRECISIONS = {1, 3, 5, 7, 9, 10, 15, 18, 19, 20, 28, 37, 38};
    private static final List<Enumeration.Value> MODES = List.of(EvalMode$.MODULE$.ANSI(), EvalMode$.MODULE$.LEGACY(),
            EvalMode$.MODULE$.TRY());

    private final Random random;

    RandomDecimalPrograms(Random random) {
        this.random = random;
    }

    static DecimalType decimal(int precision, int scale) {
        return DataTypes.createDecimalType(precision, scale);
    }

    /** A random program: a decimal, a predicate over decimals, or a decimal cast to another kind. */
    Expression generate(int depth) {
        return switch (random.nextInt(6)) {
            case 0, 1 -> decimalExpression(depth);
            case 2 -> predicate(depth);
            case 3 -> {
                DataType to = pick(DataTypes.LongType, DataTypes.IntegerType, DataTypes.ShortType, DataTypes.ByteType,
                        DataTypes.DoubleType, DataTypes.FloatType, DataTypes.BooleanType);
                // ANSI casts of computed decimals to byte, short and int stay in Spark: cast a column.
                Expression source = to == DataTypes.LongType || to == DataTypes.DoubleType
                        || to == DataTypes.FloatType || to == DataTypes.BooleanType
                        ? decimalExpression(depth - 1) : decimalColumn();
                yield new Cast(source, to, Option.apply("UTC"), mode());
            }
            case 4 -> ofType(randomType(), depth);
            default -> new UnscaledValue(ofType(randomCompactType(), depth - 1));
        };
    }

    /** An expression of some decimal type (whatever Spark's rules make of its operands). */
    Expression decimalExpression(int depth) {
        if (depth <= 0 || random.nextInt(5) == 0) {
            return random.nextInt(3) == 0 ? literal(randomType()) : decimalColumn();
        }
        int next = depth - 1;
        return switch (random.nextInt(10)) {
            case 0 -> new Add(decimalExpression(next), decimalExpression(next), context());
            case 1 -> new Subtract(decimalExpression(next), decimalExpression(next), context());
            case 2 -> new Multiply(decimalExpression(next), decimalExpression(next), context());
            case 3 -> new Divide(decimalExpression(next), decimalExpression(next), context());
            case 4 -> new Remainder(decimalExpression(next), decimalExpression(next), context());
            case 5 -> new UnaryMinus(decimalExpression(next), random.nextBoolean());
            case 6 -> new Cast(decimalExpression(next), randomType(), Option.apply("UTC"), mode());
            case 7 -> new Cast(integral(next), randomType(), Option.apply("UTC"), mode());
            case 8 -> {
                int precision = 1 + random.nextInt(18);
                yield new MakeDecimal(random.nextBoolean() ? new BoundReference(8, LONG, true)
                        : new UnscaledValue(ofType(randomCompactType(), next)), precision,
                        random.nextInt(precision + 1), random.nextBoolean());
            }
            default -> ofType(randomType(), next);
        };
    }

    /** An expression of exactly {@code type}: conditionals whose values all have that type. */
    Expression ofType(DecimalType type, int depth) {
        if (depth <= 0 || random.nextInt(4) == 0) {
            for (int ordinal = 0; ordinal < INPUTS.size(); ordinal++) {
                if (INPUTS.get(ordinal).equals(type) && random.nextBoolean()) {
                    return new BoundReference(ordinal, type, true);
                }
            }
            return literal(type);
        }
        int next = depth - 1;
        Expression result = switch (random.nextInt(5)) {
            case 0 -> new If(predicate(next), ofType(type, next), ofType(type, next));
            case 1 -> new Coalesce(CollectionConverters.asScala(List.of(ofType(type, next), ofType(type, next))).toList());
            case 2 -> {
                List<Tuple2<Expression, Expression>> branches = new ArrayList<>();
                for (int branch = 0; branch <= random.nextInt(2); branch++) {
                    branches.add(new Tuple2<>(predicate(next), ofType(type, next)));
                }
                yield new CaseWhen(CollectionConverters.asScala(branches).toList(),
                        random.nextBoolean() ? Option.apply(ofType(type, next)) : Option.empty());
            }
            default -> new Cast(decimalExpression(next), type, Option.apply("UTC"), mode());
        };
        return random.nextInt(10) == 0 ? new TryEval(result) : result;
    }

    private Expression predicate(int depth) {
        int next = Math.max(0, depth - 1);
        return switch (random.nextInt(10)) {
            case 0 -> new EqualTo(decimalExpression(next), decimalExpression(next));
            case 1 -> new LessThan(decimalExpression(next), decimalExpression(next));
            case 2 -> new LessThanOrEqual(decimalExpression(next), decimalExpression(next));
            case 3 -> new GreaterThan(decimalExpression(next), decimalExpression(next));
            case 4 -> new GreaterThanOrEqual(decimalExpression(next), decimalExpression(next));
            case 5 -> new EqualNullSafe(decimalExpression(next), decimalExpression(next));
            case 6 -> random.nextBoolean() ? new IsNull(decimalExpression(next)) : new IsNotNull(decimalExpression(next));
            case 7 -> in(next);
            case 8 -> inSet(next);
            default -> new Cast(decimalExpression(next), BOOLEAN, Option.apply("UTC"), mode());
        };
    }

    private Expression in(int depth) {
        DecimalType type = random.nextBoolean() ? (DecimalType) INPUTS.get(random.nextInt(8)) : randomType();
        List<Expression> list = new ArrayList<>();
        for (int element = 0; element <= random.nextInt(4); element++) {
            list.add(random.nextInt(5) == 0 ? new Literal(null, type) : literal(type));
        }
        return new In(ofType(type, depth), CollectionConverters.asScala(list).toList());
    }

    private Expression inSet(int depth) {
        DecimalType type = (DecimalType) INPUTS.get(random.nextInt(8));
        Set<Object> set = new HashSet<>();
        for (int element = 0; element <= random.nextInt(12); element++) {
            set.add(random.nextInt(6) == 0 ? null : Decimal.apply(edgeValue(type), type.precision(), type.scale()));
        }
        return new InSet(ofType(type, depth), CollectionConverters.asScala(set).toSet());
    }

    private Expression integral(int depth) {
        if (depth > 0 && random.nextInt(3) == 0) {
            return new UnscaledValue(ofType(randomCompactType(), depth - 1));
        }
        int ordinal = pick(8, 9, 10);
        return new BoundReference(ordinal, INPUTS.get(ordinal), true);
    }

    private Expression decimalColumn() {
        List<Integer> ordinals = new ArrayList<>();
        for (int ordinal = 0; ordinal < INPUTS.size(); ordinal++) {
            if (INPUTS.get(ordinal) instanceof DecimalType) {
                ordinals.add(ordinal);
            }
        }
        int ordinal = ordinals.get(random.nextInt(ordinals.size()));
        return new BoundReference(ordinal, INPUTS.get(ordinal), true);
    }

    private Literal literal(DecimalType type) {
        return random.nextInt(10) == 0 ? new Literal(null, type)
                : new Literal(Decimal.apply(edgeValue(type), type.precision(), type.scale()), type);
    }

    DecimalType randomType() {
        int precision = PRECISIONS[random.nextInt(PRECISIONS.length)];
        int scale = random.nextInt(3) == 0 ? 0 : random.nextInt(precision + 1);
        return decimal(precision, scale);
    }

    private DecimalType randomCompactType() {
        int precision = 1 + random.nextInt(18);
        return decimal(precision, random.nextInt(precision + 1));
    }

    /** A value of a decimal type, often at an edge: zero, one unit, the largest magnitude, a rounding half. */
    BigDecimal edgeValue(DecimalType type) {
        int precision = type.precision();
        BigInteger largest = BigInteger.TEN.pow(precision).subtract(BigInteger.ONE);
        BigInteger unscaled = switch (random.nextInt(8)) {
            case 0 -> pick(BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE.negate());
            case 1 -> random.nextBoolean() ? largest : largest.negate();
            case 2 -> BigInteger.valueOf(5).multiply(BigInteger.TEN.pow(random.nextInt(precision)));
            case 3 -> largest.subtract(BigInteger.valueOf(random.nextInt(1000))).max(BigInteger.ZERO);
            case 4 -> BigInteger.valueOf(random.nextInt(2001) - 1000).mod(largest.add(BigInteger.ONE));
            default -> {
                BigInteger digits = new BigInteger(precision * 4, random).mod(BigInteger.TEN.pow(1 + random.nextInt(precision)));
                yield random.nextBoolean() ? digits : digits.negate();
            }
        };
        return new BigDecimal(unscaled, type.scale());
    }

    @SafeVarargs
    private <T> T pick(T... values) {
        return values[random.nextInt(values.length)];
    }

    private NumericEvalContext context() {
        return new NumericEvalContext(mode(), random.nextInt(3) != 0);
    }

    private Enumeration.Value mode() {
        return MODES.get(random.nextInt(MODES.size()));
    }
}
