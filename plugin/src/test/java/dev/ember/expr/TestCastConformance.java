package dev.ember.expr;

import static dev.ember.expr.Conformance.input;
import static dev.ember.expr.Expressions.MODES;
import static dev.ember.expr.Expressions.decimal;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import scala.Enumeration;
import scala.Option;

/** Every cast pair Ember accepts, in ANSI, LEGACY and TRY mode, against Catalyst's eval. */
class TestCastConformance {
    private static final List<DataType> NUMBERS = List.of(DataTypes.BooleanType, DataTypes.ByteType,
            DataTypes.ShortType, DataTypes.IntegerType, DataTypes.LongType, DataTypes.FloatType, DataTypes.DoubleType,
            decimal(1, 0), decimal(5, 2), decimal(10, 10), decimal(18, 4), decimal(20, 0), decimal(38, 10),
            decimal(38, 37));

    static Cast cast(DataType from, DataType to, Enumeration.Value mode) {
        return new Cast(input(0, from), to, Option.apply("UTC"), mode);
    }

    @Test
    void amongNumbers() {
        try (Conformance conformance = new Conformance(501)) {
            for (DataType from : NUMBERS) {
                for (DataType to : NUMBERS) {
                    for (Enumeration.Value mode : MODES) {
                        conformance.check(cast(from, to, mode), from);
                    }
                }
            }
        }
    }

    @Test
    void fromString() {
        try (Conformance conformance = new Conformance(502)) {
            List<List<Object>> strings = List.of(new ArrayList<>(TestData.STRINGS.stream()
                    .map(text -> (Object) org.apache.spark.unsafe.types.UTF8String.fromString(text)).toList()));
            List<DataType> targets = new ArrayList<>(NUMBERS);
            targets.add(DataTypes.DateType);
            for (DataType to : targets) {
                for (Enumeration.Value mode : MODES) {
                    conformance.check(cast(DataTypes.StringType, to, mode), List.of(DataTypes.StringType), strings);
                    conformance.check(cast(DataTypes.StringType, to, mode), DataTypes.StringType);
                }
            }
        }
    }

    @Test
    void toString_() {
        try (Conformance conformance = new Conformance(503)) {
            List<DataType> sources = new ArrayList<>(NUMBERS);
            sources.add(DataTypes.DateType);
            sources.add(DataTypes.StringType);
            for (DataType from : sources) {
                for (Enumeration.Value mode : MODES) {
                    conformance.check(cast(from, DataTypes.StringType, mode), from);
                }
            }
        }
    }
}
