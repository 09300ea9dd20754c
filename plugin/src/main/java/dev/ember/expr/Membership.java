package dev.ember.expr;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * A hash set of the constants of an IN or IN_SET instruction, with Spark's equality: numbers by
 * value (-0.0 equals 0.0; NaN equals NaN; decimals, all at the value's scale, by unscaled value), strings by
 * bytes. Used instead of a scan when the list is long, as the optimizer's InSet lists often are.
 */
final class Membership {
    /** The key of a decimal wider than a long. */
    private record WideDecimal(long high, long low) {}

    private final Set<Object> values = new HashSet<>();

    /** The set of rows {@code [0, list.size)} of a constant column. */
    Membership(Column list) {
        for (int row = 0; row < list.size; row++) {
            values.add(key(list, row));
        }
    }

    boolean contains(Column column, int row) {
        return values.contains(key(column, row));
    }

    private static Object key(Column column, int row) {
        return switch (column.type.kind()) {
            case FLOAT, DOUBLE -> {
                double value = column.doubles[row];
                yield Double.isNaN(value) ? Double.NaN : value == 0 ? 0.0 : value;
            }
            case DECIMAL -> column.fitsLong(row)
                    ? (Object) column.longs[row] : new WideDecimal(column.highs[row], column.longs[row]);
            case STRING -> ByteBuffer.wrap(column.strings[row]);
            default -> column.longs[row];
        };
    }
}
