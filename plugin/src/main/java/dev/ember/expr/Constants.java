package dev.ember.expr;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Converts Catalyst's internal literal values (Integer, Long, Double, Decimal, UTF8String, ...)
 * into the typed constant lanes of an {@link Instruction}.
 */
final class Constants {
    private Constants() {}

    /** A LITERAL instruction for an internal value of {@code type}; {@code value} may be null. */
    static Instruction literal(Object value, ValueType type) {
        Instruction.Builder builder = Instruction.builder(Opcode.LITERAL, type, 0);
        if (value == null) {
            return builder.flag(Instruction.FLAG_NULL_CONSTANT, true).build();
        }
        return fill(builder, List.of(value), type).build();
    }

    /** Puts non-null internal values of {@code type} into the lane of its kind. */
    static Instruction.Builder fill(Instruction.Builder builder, List<Object> values, ValueType type) {
        int count = values.size();
        switch (type.kind()) {
            case BOOLEAN, BYTE, SHORT, INT, LONG, DATE, TIMESTAMP -> {
                long[] longs = new long[count];
                for (int i = 0; i < count; i++) {
                    longs[i] = asLong(values.get(i));
                }
                builder.longs(longs);
            }
            case FLOAT, DOUBLE -> {
                double[] doubles = new double[count];
                for (int i = 0; i < count; i++) {
                    doubles[i] = ((Number) values.get(i)).doubleValue();
                }
                builder.doubles(doubles);
            }
            case DECIMAL -> {
                BigDecimal[] decimals = new BigDecimal[count];
                for (int i = 0; i < count; i++) {
                    decimals[i] = ((Decimal) values.get(i)).toJavaBigDecimal().setScale(type.scale(), RoundingMode.HALF_UP);
                }
                builder.decimals(decimals);
            }
            case STRING -> {
                byte[][] strings = new byte[count][];
                for (int i = 0; i < count; i++) {
                    strings[i] = ((UTF8String) values.get(i)).getBytes();
                }
                builder.strings(strings);
            }
        }
        return builder;
    }

    private static long asLong(Object value) {
        if (value instanceof Boolean bool) {
            return bool ? 1 : 0;
        }
        return ((Number) value).longValue();
    }
}
