package dev.ember.expr;

import static dev.ember.expr.Conformance.input;
import static dev.ember.expr.Expressions.DECIMALS;
import static dev.ember.expr.Expressions.FLOATING;
import static dev.ember.expr.Expressions.INTEGRAL;
import static dev.ember.expr.Expressions.decimal;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Abs;
import org.apache.spark.sql.catalyst.expressions.BRound;
import org.apache.spark.sql.catalyst.expressions.BitwiseAnd;
import org.apache.spark.sql.catalyst.expressions.BitwiseNot;
import org.apache.spark.sql.catalyst.expressions.BitwiseOr;
import org.apache.spark.sql.catalyst.expressions.BitwiseXor;
import org.apache.spark.sql.catalyst.expressions.DateAdd;
import org.apache.spark.sql.catalyst.expressions.DateDiff;
import org.apache.spark.sql.catalyst.expressions.DateSub;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Round;
import org.apache.spark.sql.catalyst.expressions.ShiftLeft;
import org.apache.spark.sql.catalyst.expressions.ShiftRight;
import org.apache.spark.sql.catalyst.expressions.ShiftRightUnsigned;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** Abs, the bitwise operators and shifts, date arithmetic and Round/BRound, against Catalyst's eval. */
class TestMathConformance {

    private static List<DataType> numeric() {
        List<DataType> types = new ArrayList<>(INTEGRAL);
        types.addAll(FLOATING);
        types.addAll(DECIMALS);
        types.add(decimal(38, 38));
        types.add(decimal(1, 0));
        return types;
    }

    @Test
    void abs() {
        try (Conformance conformance = new Conformance(601)) {
            for (DataType type : numeric()) {
                conformance.check(new Abs(input(0, type), true), type);
                conformance.check(new Abs(input(0, type), false), type);
            }
        }
    }

    @Test
    void bitwiseOperators() {
        try (Conformance conformance = new Conformance(602)) {
            for (DataType type : INTEGRAL) {
                Expression left = input(0, type);
                Expression right = input(1, type);
                conformance.check(new BitwiseAnd(left, right), type, type);
                conformance.check(new BitwiseOr(left, right), type, type);
                conformance.check(new BitwiseXor(left, right), type, type);
                conformance.check(new BitwiseNot(left), type);
            }
        }
    }

    @Test
    void shifts() {
        try (Conformance conformance = new Conformance(603)) {
            for (DataType type : List.of(DataTypes.IntegerType, DataTypes.LongType)) {
                Expression value = input(0, type);
                Expression distance = input(1, DataTypes.IntegerType);
                conformance.check(new ShiftLeft(value, distance), type, DataTypes.IntegerType);
                conformance.check(new ShiftRight(value, distance), type, DataTypes.IntegerType);
                conformance.check(new ShiftRightUnsigned(value, distance), type, DataTypes.IntegerType);
                // Distances beyond the width and negative ones, which Java takes modulo the width.
                for (int by : new int[] {0, 1, 31, 32, 33, 63, 64, 65, -1, -63, Integer.MIN_VALUE}) {
                    Expression constant = new Literal(by, DataTypes.IntegerType);
                    conformance.check(new ShiftLeft(value, constant), type);
                    conformance.check(new ShiftRight(value, constant), type);
                    conformance.check(new ShiftRightUnsigned(value, constant), type);
                }
            }
            // grouping(): (spark_grouping_id >> n) & 1
            Expression groupingId = input(0, DataTypes.LongType);
            conformance.check(new BitwiseAnd(new ShiftRight(groupingId, new Literal(1, DataTypes.IntegerType)),
                    new Literal(1L, DataTypes.LongType)), DataTypes.LongType);
        }
    }

    @Test
    void dateArithmetic() {
        try (Conformance conformance = new Conformance(604)) {
            for (DataType days : List.of(DataTypes.IntegerType, DataTypes.ShortType, DataTypes.ByteType)) {
                conformance.check(new DateAdd(input(0, DataTypes.DateType), input(1, days)), DataTypes.DateType, days);
                conformance.check(new DateSub(input(0, DataTypes.DateType), input(1, days)), DataTypes.DateType, days);
            }
            conformance.check(new DateDiff(input(0, DataTypes.DateType), input(1, DataTypes.DateType)),
                    DataTypes.DateType, DataTypes.DateType);
        }
    }

    @Test
    void roundAndBankersRound() {
        try (Conformance conformance = new Conformance(605)) {
            for (DataType type : numeric()) {
                for (int scale : new int[] {-40, -20, -19, -18, -3, -1, 0, 1, 2, 5, 40}) {
                    Literal literal = new Literal(scale, DataTypes.IntegerType);
                    for (boolean ansi : new boolean[] {true, false}) {
                        conformance.check(new Round(input(0, type), literal, ansi), type);
                        conformance.check(new BRound(input(0, type), literal, ansi), type);
                    }
                }
            }
        }
    }

    /** Halves are where HALF_UP and HALF_EVEN differ: the random data rarely hits them, these do. */
    @Test
    void roundingHalves() {
        try (Conformance conformance = new Conformance(606)) {
            DataType money = decimal(7, 2);
            List<Object> values = new ArrayList<>();
            for (String text : new String[] {"0.05", "0.15", "0.25", "-0.25", "-0.35", "2.50", "3.50", "-2.50",
                    "99999.95", "-99999.95", "15.00", "25.00", "-25.00", "0.00"}) {
                values.add(org.apache.spark.sql.types.Decimal.apply(new java.math.BigDecimal(text)));
            }
            values.add(null);
            List<Object> doubles = List.of(0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 2.675, -0.0, 1e300, -1e-300,
                    Double.NaN, Double.POSITIVE_INFINITY, Double.MIN_VALUE, 0.285, 1.005);
            List<Object> ints = List.of(5, 15, 25, -25, -35, 2147483645, -2147483648, 0, 50, 150, 250);
            for (int scale : new int[] {-1, 0, 1, 2}) {
                Literal literal = new Literal(scale, DataTypes.IntegerType);
                for (boolean ansi : new boolean[] {true, false}) {
                    conformance.check(new Round(input(0, money), literal, ansi), List.of(money), List.of(values));
                    conformance.check(new BRound(input(0, money), literal, ansi), List.of(money), List.of(values));
                    conformance.check(new Round(input(0, DataTypes.DoubleType), literal, ansi),
                            List.of(DataTypes.DoubleType), List.of(doubles));
                    conformance.check(new BRound(input(0, DataTypes.DoubleType), literal, ansi),
                            List.of(DataTypes.DoubleType), List.of(doubles));
                    conformance.check(new Round(input(0, DataTypes.IntegerType), literal, ansi),
                            List.of(DataTypes.IntegerType), List.of(ints));
                    conformance.check(new BRound(input(0, DataTypes.IntegerType), literal, ansi),
                            List.of(DataTypes.IntegerType), List.of(ints));
                }
            }
        }
    }

    @Test
    void roundWithAScaleThatIsNotAConstantStaysInSpark() {
        try (Conformance conformance = new Conformance(607)) {
            List<org.apache.spark.sql.catalyst.expressions.Attribute> attributes = List.of(
                    Conformance.attribute("d", DataTypes.DoubleType));
            Expression nullScale = new Round(attributes.get(0), new Literal(null, DataTypes.IntegerType), true);
            var support = conformance.compiler().support(nullScale, attributes);
            assertFalse(support.isCompatible());
            assertTrue(support.reason().contains("scale that is not a non-null constant"), support.reason());
        }
    }
}
