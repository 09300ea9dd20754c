package dev.ember.expr;

import static dev.ember.expr.Conformance.input;
import static dev.ember.expr.Expressions.ANSI;
import static dev.ember.expr.Expressions.context;
import static dev.ember.expr.Expressions.decimal;
import static dev.ember.expr.Expressions.literal;
import static dev.ember.expr.Expressions.seq;

import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.CaseWhen;
import org.apache.spark.sql.catalyst.expressions.Coalesce;
import org.apache.spark.sql.catalyst.expressions.Divide;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.KnownFloatingPointNormalized;
import org.apache.spark.sql.catalyst.expressions.MakeDecimal;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.Not;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.catalyst.expressions.Remainder;
import org.apache.spark.sql.catalyst.expressions.TryEval;
import org.apache.spark.sql.catalyst.expressions.UnscaledValue;
import org.apache.spark.sql.catalyst.optimizer.NormalizeNaNAndZero;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.Tuple2;

/**
 * If, CaseWhen, Coalesce, TryEval and the optimizer's wrappers, and above all Spark's lazy
 * evaluation: errors in branches Spark does not evaluate must not fail.
 */
class TestConditionalConformance {
    private static final DataType INT = DataTypes.IntegerType;
    private static final DataType DOUBLE = DataTypes.DoubleType;
    private static final DataType BOOLEAN = DataTypes.BooleanType;

    @Test
    void conditionalsOnEveryType() {
        try (Conformance conformance = new Conformance(301)) {
            for (DataType type : TestPredicateConformance.ALL_TYPES) {
                Expression predicate = input(0, BOOLEAN);
                Expression a = input(1, type);
                Expression b = input(2, type);
                conformance.check(new If(predicate, a, b), BOOLEAN, type, type);
                conformance.check(new Coalesce(seq(a, b)), BOOLEAN, type, type);
                conformance.check(new CaseWhen(seq(List.of(new Tuple2<>(predicate, a),
                        new Tuple2<>(input(3, BOOLEAN), b))), Option.apply(a)), BOOLEAN, type, type, BOOLEAN);
                conformance.check(new CaseWhen(seq(List.of(new Tuple2<>(predicate, a))), Option.empty()),
                        BOOLEAN, type, type);
            }
        }
    }

    @Test
    void errorsOnlyWhereSparkEvaluates() {
        try (Conformance conformance = new Conformance(302)) {
            Expression a = input(0, DOUBLE);
            Expression b = input(1, DOUBLE);
            Expression divide = new Divide(a, b, context(ANSI));
            Expression zero = literal(0.0, DOUBLE);
            Expression one = literal(1.0, DOUBLE);
            Expression oneByZero = new Divide(one, zero, context(ANSI));
            // CASE WHEN b <> 0 THEN a / b END
            conformance.check(new CaseWhen(seq(List.of(new Tuple2<>(new Not(new EqualTo(b, zero)), divide))),
                    Option.empty()), DOUBLE, DOUBLE);
            // coalesce(a, 1/0) fails exactly where a is null
            conformance.check(new Coalesce(seq(a, oneByZero)), DOUBLE, DOUBLE);
            // false AND (1/0 = 1), true OR (1/0 = 1)
            Expression failing = new EqualTo(oneByZero, one);
            conformance.check(new And(literal(false, BOOLEAN), failing), DOUBLE);
            conformance.check(new Or(literal(true, BOOLEAN), failing), DOUBLE);
            conformance.check(new And(new GreaterThan(a, zero), new EqualTo(divide, one)), DOUBLE, DOUBLE);
            conformance.check(new Or(new GreaterThan(a, zero), new EqualTo(divide, one)), DOUBLE, DOUBLE);
            // null + (1/0) is null: the left side is evaluated first
            conformance.check(new Add(literal(null, DOUBLE), oneByZero, context(ANSI)), DOUBLE);
            conformance.check(new Add(a, new Divide(one, b, context(ANSI)), context(ANSI)), DOUBLE, DOUBLE);
            // Divide evaluates its divisor first: a null divisor hides a failing dividend
            conformance.check(new Divide(oneByZero, b, context(ANSI)), DOUBLE, DOUBLE);
            conformance.check(new Remainder(new Add(input(0, INT), input(1, INT), context(ANSI)), input(1, INT),
                    context(ANSI)), INT, INT);
            conformance.check(new If(new GreaterThan(b, zero), divide, oneByZero), DOUBLE, DOUBLE);
            conformance.check(new TryEval(new Add(input(0, INT), input(1, INT), context(ANSI))), INT, INT);
            conformance.check(new TryEval(new Multiply(input(0, DataTypes.LongType), input(1, DataTypes.LongType),
                    context(ANSI))), DataTypes.LongType, DataTypes.LongType);
        }
    }

    @Test
    void optimizerWrappers() {
        try (Conformance conformance = new Conformance(303)) {
            for (DataType type : List.of(DataTypes.FloatType, DOUBLE)) {
                conformance.check(new KnownFloatingPointNormalized(new NormalizeNaNAndZero(input(0, type))), type);
            }
            for (int precision : new int[] {1, 5, 18}) {
                conformance.check(new UnscaledValue(input(0, decimal(precision, 0))), decimal(precision, 0));
                conformance.check(new UnscaledValue(input(0, decimal(precision, precision))),
                        decimal(precision, precision));
            }
            for (int precision : new int[] {1, 5, 18, 19, 38}) {
                for (boolean nullOnOverflow : new boolean[] {true, false}) {
                    conformance.check(new MakeDecimal(input(0, DataTypes.LongType), precision, Math.min(2, precision),
                            nullOnOverflow), DataTypes.LongType);
                }
            }
        }
    }
}
