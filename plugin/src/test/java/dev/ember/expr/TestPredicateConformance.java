package dev.ember.expr;

import static dev.ember.expr.Conformance.input;
import static dev.ember.expr.Expressions.decimal;
import static dev.ember.expr.Expressions.literal;
import static dev.ember.expr.Expressions.seq;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.EqualNullSafe;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.GreaterThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.InSet;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.LessThan;
import org.apache.spark.sql.catalyst.expressions.LessThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.Not;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** Comparisons, logic, null tests, In and InSet on every type, against Catalyst's eval. */
class TestPredicateConformance {
    static final List<DataType> ALL_TYPES = List.of(DataTypes.BooleanType, DataTypes.ByteType, DataTypes.ShortType,
            DataTypes.IntegerType, DataTypes.LongType, DataTypes.FloatType, DataTypes.DoubleType, decimal(5, 2),
            decimal(38, 10), DataTypes.DateType, DataTypes.TimestampType, DataTypes.StringType);

    @Test
    void comparisons() {
        try (Conformance conformance = new Conformance(201)) {
            for (DataType type : ALL_TYPES) {
                Expression left = input(0, type);
                Expression right = input(1, type);
                for (Expression comparison : List.of(new EqualTo(left, right), new EqualNullSafe(left, right),
                        new LessThan(left, right), new LessThanOrEqual(left, right), new GreaterThan(left, right),
                        new GreaterThanOrEqual(left, right))) {
                    conformance.check(comparison, type, type);
                }
            }
        }
    }

    @Test
    void logicAndNullTests() {
        try (Conformance conformance = new Conformance(202)) {
            DataType bool = DataTypes.BooleanType;
            Expression a = input(0, bool);
            Expression b = input(1, bool);
            conformance.check(new And(a, b), bool, bool);
            conformance.check(new Or(a, b), bool, bool);
            conformance.check(new Not(a), bool);
            conformance.check(new And(new Or(a, new Not(b)), new Not(new And(b, a))), bool, bool);
            for (DataType type : ALL_TYPES) {
                conformance.check(new IsNull(input(0, type)), type);
                conformance.check(new IsNotNull(input(0, type)), type);
            }
        }
    }

    @Test
    void inAndInSet() {
        try (Conformance conformance = new Conformance(203)) {
            Random random = new Random(203);
            for (DataType type : ALL_TYPES) {
                ValueType valueType = ValueType.of(type).orElseThrow();
                for (int variant = 0; variant < 4; variant++) {
                    // short lists are scanned, long ones hashed; each with and without a null
                    int size = variant < 2 ? 6 : 40;
                    boolean withNull = variant % 2 == 1;
                    List<Expression> list = new ArrayList<>();
                    List<Object> set = new ArrayList<>();
                    for (int i = 0; i < size; i++) {
                        Object value = TestData.value(valueType, random);
                        list.add(literal(value, type));
                        set.add(value);
                    }
                    if (valueType.kind().isFloating()) {
                        Object nan = type == DataTypes.FloatType ? (Object) Float.NaN : (Object) Double.NaN;
                        Object zero = type == DataTypes.FloatType ? (Object) 0.0f : (Object) 0.0;
                        list.add(literal(nan, type));
                        list.add(literal(zero, type));
                        set.add(nan);
                        set.add(zero);
                    }
                    if (withNull) {
                        list.add(literal(null, type));
                        set.add(null);
                    }
                    conformance.check(new In(input(0, type), seq(list)), type);
                    conformance.check(new InSet(input(0, type), scala.jdk.javaapi.CollectionConverters.asScala(
                            new java.util.HashSet<>(set)).toSet()), type);
                }
            }
        }
    }
}
