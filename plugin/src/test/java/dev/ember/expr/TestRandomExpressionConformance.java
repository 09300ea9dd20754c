package dev.ember.expr;

import static dev.ember.expr.Conformance.input;
import static dev.ember.expr.Expressions.MODES;
import static dev.ember.expr.Expressions.context;
import static dev.ember.expr.Expressions.decimal;
import static dev.ember.expr.Expressions.literal;
import static dev.ember.expr.Expressions.seq;

import java.util.List;
import java.util.Random;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.CaseWhen;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.Coalesce;
import org.apache.spark.sql.catalyst.expressions.Divide;
import org.apache.spark.sql.catalyst.expressions.EqualNullSafe;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.Length;
import org.apache.spark.sql.catalyst.expressions.LessThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.Like;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.Not;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.catalyst.expressions.Remainder;
import org.apache.spark.sql.catalyst.expressions.StartsWith;
import org.apache.spark.sql.catalyst.expressions.Substring;
import org.apache.spark.sql.catalyst.expressions.Subtract;
import org.apache.spark.sql.catalyst.expressions.TryEval;
import org.apache.spark.sql.catalyst.expressions.UnaryMinus;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import scala.Enumeration;
import scala.Option;
import scala.Tuple2;

/**
 * Random expression trees mixing every family and evaluation mode, so that errors, nulls and
 * lazy branches meet in combinations no hand-written case covers. Each tree is checked against
 * Catalyst's eval like the other conformance tests; the seed of each tree is printed.
 */
class TestRandomExpressionConformance {
    private static final DataType INT = DataTypes.IntegerType;
    private static final DataType LONG = DataTypes.LongType;
    private static final DataType DOUBLE = DataTypes.DoubleType;
    private static final DataType BOOLEAN = DataTypes.BooleanType;
    private static final DataType STRING = DataTypes.StringType;
    private static final DataType MONEY = decimal(12, 2);
    /** Input columns: two ints, two doubles, a boolean, a string, a decimal and a long. */
    private static final DataType[] INPUTS = {INT, INT, DOUBLE, DOUBLE, BOOLEAN, STRING, MONEY, LONG};

    private final Random random = new Random(801);

    @Test
    void randomTrees() {
        try (Conformance conformance = new Conformance(801)) {
            for (int tree = 0; tree < 240; tree++) {
                DataType type = List.of(INT, DOUBLE, BOOLEAN, STRING, MONEY, LONG).get(tree % 6);
                Expression expression = generate(type, 4);
                conformance.check(expression, 400, INPUTS);
            }
        }
    }

    /** ANSI most of the time, so that errors are common. */
    private Enumeration.Value mode() {
        return random.nextInt(5) < 3 ? Expressions.ANSI : MODES.get(random.nextInt(MODES.size()));
    }

    private Expression generate(DataType type, int depth) {
        if (depth == 0 || random.nextInt(5) == 0) {
            return leaf(type);
        }
        int next = depth - 1;
        Expression result;
        switch (random.nextInt(7)) {
            case 0 -> result = new If(generate(BOOLEAN, next), generate(type, next), generate(type, next));
            case 1 -> result = new Coalesce(seq(generate(type, next), generate(type, next)));
            case 2 -> result = new CaseWhen(seq(List.of(new Tuple2<>(generate(BOOLEAN, next), generate(type, next)))),
                    random.nextBoolean() ? Option.apply(generate(type, next)) : Option.empty());
            default -> result = specific(type, next);
        }
        return random.nextInt(20) == 0 ? new TryEval(result) : result;
    }

    private Expression specific(DataType type, int next) {
        if (type == INT || type == LONG) {
            return switch (random.nextInt(6)) {
                case 0 -> new Add(generate(type, next), generate(type, next), context(mode()));
                case 1 -> new Subtract(generate(type, next), generate(type, next), context(mode()));
                case 2 -> new Multiply(generate(type, next), generate(type, next), context(mode()));
                case 3 -> new Remainder(generate(type, next), generate(type, next), context(mode()));
                case 4 -> new UnaryMinus(generate(type, next), random.nextBoolean());
                default -> type == INT
                        ? (random.nextBoolean() ? new Length(generate(STRING, next))
                                : new Cast(generate(DOUBLE, next), INT, Option.apply("UTC"), mode()))
                        : new Cast(generate(STRING, next), LONG, Option.apply("UTC"), mode());
            };
        } else if (type == DOUBLE) {
            return switch (random.nextInt(5)) {
                case 0 -> new Add(generate(DOUBLE, next), generate(DOUBLE, next), context(mode()));
                case 1 -> new Divide(generate(DOUBLE, next), generate(DOUBLE, next), context(mode()));
                case 2 -> new Remainder(generate(DOUBLE, next), generate(DOUBLE, next), context(mode()));
                case 3 -> new Cast(generate(MONEY, next), DOUBLE, Option.apply("UTC"), mode());
                default -> new Cast(generate(INT, next), DOUBLE, Option.apply("UTC"), mode());
            };
        } else if (type == BOOLEAN) {
            DataType operand = List.of(INT, DOUBLE, STRING, MONEY, LONG).get(random.nextInt(5));
            return switch (random.nextInt(9)) {
                case 0 -> new And(generate(BOOLEAN, next), generate(BOOLEAN, next));
                case 1 -> new Or(generate(BOOLEAN, next), generate(BOOLEAN, next));
                case 2 -> new Not(generate(BOOLEAN, next));
                case 3 -> new EqualTo(generate(operand, next), generate(operand, next));
                case 4 -> new LessThanOrEqual(generate(operand, next), generate(operand, next));
                case 5 -> new EqualNullSafe(generate(operand, next), generate(operand, next));
                case 6 -> new IsNull(generate(operand, next));
                case 7 -> new In(generate(INT, next), seq(literal(0, INT), literal(1, INT), literal(null, INT)));
                default -> random.nextBoolean()
                        ? new StartsWith(generate(STRING, next), leaf(STRING))
                        : new Like(generate(STRING, next), literal(UTF8String.fromString("%a_"), STRING), '\\');
            };
        } else if (type == STRING) {
            return switch (random.nextInt(3)) {
                case 0 -> new Substring(generate(STRING, next), generate(INT, next), generate(INT, next));
                case 1 -> new Cast(generate(INT, next), STRING, Option.apply("UTC"), mode());
                default -> new Cast(generate(MONEY, next), STRING, Option.apply("UTC"), mode());
            };
        }
        Enumeration.Value mode = mode();
        Expression left = generate(MONEY, next);
        Expression right = generate(MONEY, next);
        Expression arithmetic = switch (random.nextInt(4)) {
            case 0 -> new Add(left, right, context(mode));
            case 1 -> new Multiply(left, right, context(mode));
            case 2 -> new Divide(left, right, context(mode));
            default -> new Remainder(left, right, context(mode));
        };
        return new Cast(arithmetic, MONEY, Option.apply("UTC"), mode());
    }

    private Expression leaf(DataType type) {
        if (random.nextBoolean()) {
            for (int attempt = 0; attempt < INPUTS.length * 4; attempt++) {
                int ordinal = random.nextInt(INPUTS.length);
                if (INPUTS[ordinal].equals(type)) {
                    return input(ordinal, type);
                }
            }
        }
        if (random.nextInt(6) == 0) {
            return literal(null, type);
        }
        // Zeros and extremes make division by zero and overflow, and so errors in lazy branches, common.
        if (type == INT && random.nextBoolean()) {
            return literal(List.of(0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE).get(random.nextInt(5)), INT);
        }
        if (type == DOUBLE && random.nextBoolean()) {
            return literal(List.of(0.0, -0.0, 1.0, Double.NaN).get(random.nextInt(4)), DOUBLE);
        }
        if (type == LONG && random.nextBoolean()) {
            return literal(List.of(0L, Long.MAX_VALUE, Long.MIN_VALUE).get(random.nextInt(3)), LONG);
        }
        return literal(TestData.value(ValueType.of(type).orElseThrow(), random), type);
    }
}
