package dev.ember.expr;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * One chunk-sized column of the host interpreter's stack: values in the lane of the type's kind,
 * a null flag and a poison flag per row.
 *
 * <p>A poisoned row is a row on which Spark's evaluation of this sub-expression would have thrown;
 * its value and null flag mean nothing. Values of null or poisoned rows are left at their defaults
 * (zero, or a null reference in the decimal and string lanes) and never read.
 *
 * <p>Mutable scratch space owned by one interpreter call; not thread-safe.
 */
final class Column {
    final ValueType type;
    final int size;
    final boolean[] nulls;
    final boolean[] poison;
    final long[] longs;
    final double[] doubles;
    final BigDecimal[] decimals;
    final byte[][] strings;

    Column(ValueType type, int size) {
        this.type = requireNonNull(type, "type is null");
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        this.size = size;
        this.nulls = new boolean[size];
        this.poison = new boolean[size];
        ValueKind kind = type.kind();
        this.longs = kind.isStoredAsLong() ? new long[size] : null;
        this.doubles = kind.isFloating() ? new double[size] : null;
        this.decimals = kind == ValueKind.DECIMAL ? new BigDecimal[size] : null;
        this.strings = kind == ValueKind.STRING ? new byte[size][] : null;
    }

    /** Whether the row holds a value: neither null nor poisoned. */
    boolean isValue(int row) {
        return !nulls[row] && !poison[row];
    }

    /** Copies row {@code from} of {@code source} (same type) into row {@code to}, flags included. */
    void copyRow(Column source, int from, int to) {
        nulls[to] = source.nulls[from];
        poison[to] = source.poison[from];
        if (longs != null) {
            longs[to] = source.longs[from];
        } else if (doubles != null) {
            doubles[to] = source.doubles[from];
        } else if (decimals != null) {
            decimals[to] = source.decimals[from];
        } else {
            strings[to] = source.strings[from];
        }
    }

    /** The first poisoned row, or -1. */
    int firstPoisoned() {
        for (int row = 0; row < size; row++) {
            if (poison[row]) {
                return row;
            }
        }
        return -1;
    }
}
