package dev.ember.expr;

import static dev.ember.expr.Conformance.input;
import static dev.ember.expr.Expressions.DECIMALS;
import static dev.ember.expr.Expressions.FLOATING;
import static dev.ember.expr.Expressions.INTEGRAL;
import static dev.ember.expr.Expressions.MODES;
import static dev.ember.expr.Expressions.context;
import static dev.ember.expr.Expressions.decimal;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.Divide;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.Remainder;
import org.apache.spark.sql.catalyst.expressions.Subtract;
import org.apache.spark.sql.catalyst.expressions.UnaryMinus;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import scala.Enumeration;

/** + - * / % and unary minus on every numeric type and evaluation mode, against Catalyst's eval. */
class TestArithmeticConformance {

    private static List<DataType[]> pairs() {
        List<DataType[]> pairs = new ArrayList<>();
        for (DataType type : INTEGRAL) {
            pairs.add(new DataType[] {type, type});
        }
        for (DataType type : FLOATING) {
            pairs.add(new DataType[] {type, type});
        }
        for (DataType left : DECIMALS) {
            for (DataType right : DECIMALS) {
                pairs.add(new DataType[] {left, right});
            }
        }
        return pairs;
    }

    @Test
    void addSubtractMultiply() {
        try (Conformance conformance = new Conformance(101)) {
            for (DataType[] pair : pairs()) {
                for (Enumeration.Value mode : MODES) {
                    Expression left = input(0, pair[0]);
                    Expression right = input(1, pair[1]);
                    conformance.check(new Add(left, right, context(mode)), pair);
                    conformance.check(new Subtract(left, right, context(mode)), pair);
                    conformance.check(new Multiply(left, right, context(mode)), pair);
                }
            }
        }
    }

    @Test
    void divideAndRemainder() {
        try (Conformance conformance = new Conformance(102)) {
            for (DataType[] pair : pairs()) {
                for (Enumeration.Value mode : MODES) {
                    Expression left = input(0, pair[0]);
                    Expression right = input(1, pair[1]);
                    if (pair[0] == DataTypes.DoubleType || pair[0] instanceof org.apache.spark.sql.types.DecimalType) {
                        conformance.check(new Divide(left, right, context(mode)), pair);
                    }
                    conformance.check(new Remainder(left, right, context(mode)), pair);
                }
            }
        }
    }

    @Test
    void unaryMinus() {
        try (Conformance conformance = new Conformance(103)) {
            List<DataType> types = new ArrayList<>(INTEGRAL);
            types.addAll(FLOATING);
            types.addAll(DECIMALS);
            for (DataType type : types) {
                conformance.check(new UnaryMinus(input(0, type), true), type);
                conformance.check(new UnaryMinus(input(0, type), false), type);
            }
        }
    }

    @Test
    void decimalPrecisionWithoutPrecisionLoss() {
        try (Conformance conformance = new Conformance(104)) {
            DataType left = decimal(38, 18);
            DataType right = decimal(38, 2);
            for (Enumeration.Value mode : MODES) {
                org.apache.spark.sql.catalyst.expressions.NumericEvalContext exact =
                        new org.apache.spark.sql.catalyst.expressions.NumericEvalContext(mode, false);
                conformance.check(new Multiply(input(0, left), input(1, right), exact), left, right);
                conformance.check(new Divide(input(0, left), input(1, right), exact), left, right);
                conformance.check(new Add(input(0, left), input(1, right), exact), left, right);
            }
        }
    }
}
