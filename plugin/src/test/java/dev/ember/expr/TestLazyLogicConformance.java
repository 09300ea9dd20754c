package dev.ember.expr;

import static dev.ember.expr.Conformance.input;
import static dev.ember.expr.Expressions.ANSI;
import static dev.ember.expr.Expressions.context;
import static dev.ember.expr.Expressions.decimal;
import static dev.ember.expr.Expressions.literal;
import static dev.ember.expr.Expressions.seq;

import java.math.BigDecimal;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.CaseWhen;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.GreaterThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.Length;
import org.apache.spark.sql.catalyst.expressions.LessThan;
import org.apache.spark.sql.catalyst.expressions.Not;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.catalyst.expressions.Remainder;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * AND and OR chains, which the host interpreter runs lazily ({@link ProgramTree}): each later operand
 * only on the rows the earlier ones left undecided, reading its inputs from a selection of rows. Checked
 * against Catalyst's eval over more rows than one chunk, with operands that fail (ANSI remainder by
 * zero) only where Spark evaluates them, strings and decimals read for the selected rows only, and
 * inputs that an earlier operand already read; and the null checks and string matches that
 * {@link InputPredicates} answers from the Arrow buffers.
 */
class TestLazyLogicConformance {
    private static final DataType INT = DataTypes.IntegerType;
    private static final DataType STRING = DataTypes.StringType;
    private static final DataType MONEY = decimal(15, 2);
    private static final DataType[] TYPES = {INT, INT, STRING, MONEY};

    private static Expression c0() {
        return input(0, INT);
    }

    private static Expression c1() {
        return input(1, INT);
    }

    private static Expression c2() {
        return input(2, STRING);
    }

    private static Expression c3() {
        return input(3, MONEY);
    }

    private static Expression string(String value) {
        return literal(UTF8String.fromString(value), STRING);
    }

    private static Expression money(String value) {
        return literal(Decimal.apply(new BigDecimal(value)), MONEY);
    }

    /** {@code c1 % c0 = 0} in ANSI mode: fails where {@code c0} is zero and {@code c1} is not null. */
    private static Expression failsOnZero() {
        return new EqualTo(new Remainder(c1(), c0(), context(ANSI)), literal(0, INT));
    }

    @Test
    void conjunctionsRunOnTheRowsEarlierOnesKept() {
        try (Conformance conformance = new Conformance(301)) {
            // a filter's shape: null checks, then ranges; later conjuncts reread inputs of earlier ones
            Expression filter = new And(new And(new And(new And(new IsNotNull(c0()), new IsNotNull(c3())),
                    new GreaterThanOrEqual(c0(), literal(-50, INT))), new LessThan(c0(), literal(60, INT))),
                    new And(new GreaterThan(c3(), money("-1.00")), new In(c2(), seq(string("a"), string("abc"),
                            string(""), string("12")))));
            conformance.check(filter, TYPES);
            // an operand that fails only on rows the earlier conjuncts did not decide
            conformance.check(new And(new GreaterThan(c1(), literal(50, INT)), failsOnZero()), TYPES);
            conformance.check(new And(new And(new IsNotNull(c2()), new LessThan(c0(), literal(1, INT))),
                    new And(failsOnZero(), new EqualTo(c2(), string("abc")))), TYPES);
            // a null operand keeps the row undecided: the next operand still runs (and can fail) on it
            conformance.check(new And(new LessThan(c1(), literal(3, INT)), failsOnZero()), TYPES);
        }
    }

    @Test
    void disjunctionsAndNestedChains() {
        try (Conformance conformance = new Conformance(302)) {
            conformance.check(new Or(new LessThan(c1(), literal(50, INT)), failsOnZero()), TYPES);
            conformance.check(new Or(new Or(new EqualTo(c2(), string("a")), new IsNull(c1())),
                    new And(new GreaterThan(c3(), money("0")), failsOnZero())), TYPES);
            // an OR of ANDs (q19's shape) under a NOT, and a chain inside another instruction's operand
            Expression q19Shape = new Or(new Or(
                    new And(new In(c2(), seq(string("a"), string("abc"))), new LessThan(c0(), literal(10, INT))),
                    new And(new EqualTo(c2(), string("")), new GreaterThan(c3(), money("5.00")))),
                    new And(new And(new IsNotNull(c1()), new GreaterThan(c1(), literal(-3, INT))), failsOnZero()));
            conformance.check(q19Shape, TYPES);
            conformance.check(new Not(q19Shape), TYPES);
            // the leaves InputPredicates answers from Arrow: constant on either side, a list with a null,
            // null checks of every kind of column, on all rows and on a selection, and a string read before
            conformance.check(new And(new EqualTo(string("abc"), c2()), new IsNull(c3())), TYPES);
            conformance.check(new Or(new IsNull(c0()), new Or(new In(c2(), seq(string("a"), literal(null, STRING),
                    string("日本語"))), new IsNotNull(c2()))), TYPES);
            conformance.check(new And(new GreaterThan(c1(), literal(0, INT)), new And(new IsNotNull(c2()),
                    new And(new IsNull(c3()), new EqualTo(c2(), string("a"))))), TYPES);
            conformance.check(new And(new GreaterThan(new Length(c2()), literal(1, INT)), new EqualTo(c2(),
                    string("abc"))), TYPES);
            conformance.check(new CaseWhen(seq(List.of(Tuple2.apply(new And(new IsNotNull(c0()),
                    new GreaterThan(c0(), literal(0, INT))), (Expression) c3()))), scala.Option.apply(money("1.50"))),
                    TYPES);
        }
    }
}
