package dev.ember.expr;

import static dev.ember.expr.Conformance.input;
import static dev.ember.expr.Expressions.decimal;
import static dev.ember.expr.Expressions.literal;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.GreaterThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.LessThan;
import org.apache.spark.sql.catalyst.expressions.LessThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.Not;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.junit.jupiter.api.Test;

/**
 * The operands of AND and OR chains that {@link NarrowingLeaves} runs straight over the Arrow buffers (an
 * input's null check, an input compared with a constant), checked against Catalyst's eval for every
 * value kind they cover and every comparison, the constant on either side, in AND and OR chains, at the
 * top (all rows of a chunk) and nested (a selection of rows), over more rows than one chunk. The constants
 * are values of the column itself (so that equality and the bounds are hit), and the edge values:
 * minimum and maximum, NaN, {@code -0.0} and {@code 0.0}, the widest decimal of the type.
 */
class TestNarrowingLeavesConformance {
    private static final DataType[] COVERED = {DataTypes.ByteType, DataTypes.ShortType, DataTypes.IntegerType,
        DataTypes.DateType, DataTypes.LongType, DataTypes.TimestampType, decimal(15, 2), decimal(18, 0),
        decimal(7, 7), DataTypes.FloatType, DataTypes.DoubleType};

    private static final List<BiFunction<Expression, Expression, Expression>> COMPARISONS = List.of(
            EqualTo::new, LessThan::new, LessThanOrEqual::new, GreaterThan::new, GreaterThanOrEqual::new);

    @Test
    void everyComparisonOfEveryKindInAndAndOrChains() {
        try (Conformance conformance = new Conformance(911)) {
            Random random = new Random(912);
            for (DataType type : COVERED) {
                ValueType valueType = ValueType.of(type).orElseThrow();
                List<List<Object>> columns = List.of(TestData.column(valueType, Conformance.ROWS, random),
                        TestData.column(valueType, Conformance.ROWS, random));
                for (Object constant : constants(type, columns.get(0), random)) {
                    Expression value = literal(constant, type);
                    Expression c0 = input(0, type);
                    Expression c1 = input(1, type);
                    for (BiFunction<Expression, Expression, Expression> comparison : COMPARISONS) {
                        // every leaf of this chain is one NarrowingLeaves runs, so the test covers that path
                        Expression chain = new And(new IsNotNull(c0), comparison.apply(value, c1));
                        assertEquals(2, new ProgramTree(conformance.compile(chain, List.of(type, type)))
                                .narrowingLeaves(), () -> chain.sql());
                        // a filter's shape: null check, then the comparison, then one more on the other input
                        conformance.check(new And(new And(new IsNotNull(c0), comparison.apply(c0, value)),
                                comparison.apply(value, c1)), List.of(type, type), columns);
                        // OR: a null operand leaves the row to the next; nested chains run on a selection
                        conformance.check(new Or(comparison.apply(c0, value), new And(new IsNull(c0),
                                comparison.apply(c1, value))), List.of(type, type), columns);
                        conformance.check(new Not(new And(new Or(new IsNull(c1), comparison.apply(value, c0)),
                                new Or(comparison.apply(c1, value), new IsNotNull(c0)))), List.of(type, type),
                                columns);
                    }
                }
            }
        }
    }

    /** Two values of the column (nulls skipped) and the type's edge values. */
    private static List<Object> constants(DataType type, List<Object> column, Random random) {
        List<Object> constants = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Object value = column.get(random.nextInt(column.size()));
            if (value != null) {
                constants.add(value);
            }
        }
        if (type == DataTypes.ByteType) {
            constants.addAll(List.of(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
        } else if (type == DataTypes.ShortType) {
            constants.addAll(List.of(Short.MIN_VALUE, Short.MAX_VALUE));
        } else if (type == DataTypes.IntegerType || type == DataTypes.DateType) {
            constants.addAll(List.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0));
        } else if (type == DataTypes.LongType || type == DataTypes.TimestampType) {
            constants.addAll(List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L));
        } else if (type == DataTypes.FloatType) {
            constants.addAll(List.of(Float.NaN, -0.0f, 0.0f, Float.NEGATIVE_INFINITY));
        } else if (type == DataTypes.DoubleType) {
            constants.addAll(List.of(Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.MAX_VALUE));
        } else {
            org.apache.spark.sql.types.DecimalType decimalType = (org.apache.spark.sql.types.DecimalType) type;
            java.math.BigDecimal widest = new java.math.BigDecimal(java.math.BigInteger.TEN
                    .pow(decimalType.precision()).subtract(java.math.BigInteger.ONE), decimalType.scale());
            constants.add(Decimal.apply(widest, decimalType.precision(), decimalType.scale()));
            constants.add(Decimal.apply(widest.negate(), decimalType.precision(), decimalType.scale()));
            constants.add(Decimal.apply(java.math.BigDecimal.ZERO.setScale(decimalType.scale()),
                    decimalType.precision(), decimalType.scale()));
        }
        return constants;
    }
}
