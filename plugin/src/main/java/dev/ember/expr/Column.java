package dev.ember.expr;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * One chunk-sized column of the host interpreter's stack: values in the lane of the type's kind,
 * a null flag and a poison flag per row.
 *
 * <p>Decimals are unscaled values at the type's scale, two's complement: {@link #longs} holds the low
 * 64 bits and, for precisions above 18, {@link #highs} the high 64 bits; a decimal of up to 18 digits
 * fits a long, so its high word is the sign extension of {@code longs[row]} and is not stored.
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
    /** The high words of decimals of precision above 18; null otherwise. */
    final long[] highs;
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
        this.longs = kind.isStoredAsLong() || kind == ValueKind.DECIMAL ? new long[size] : null;
        this.doubles = kind.isFloating() ? new double[size] : null;
        this.highs = kind == ValueKind.DECIMAL && type.precision() > 18 ? new long[size] : null;
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
            if (highs != null) {
                highs[to] = source.high(from);
            }
        } else if (doubles != null) {
            doubles[to] = source.doubles[from];
        } else {
            strings[to] = source.strings[from];
        }
    }

    /** A new column holding rows {@code positions[0 .. count)} of this one, flags included. */
    Column select(int[] positions, int count) {
        Column out = new Column(type, count);
        for (int i = 0; i < count; i++) {
            int row = positions[i];
            out.nulls[i] = nulls[row];
            out.poison[i] = poison[row];
        }
        if (longs != null) {
            for (int i = 0; i < count; i++) {
                out.longs[i] = longs[positions[i]];
            }
            if (highs != null) {
                for (int i = 0; i < count; i++) {
                    out.highs[i] = highs[positions[i]];
                }
            }
        } else if (doubles != null) {
            for (int i = 0; i < count; i++) {
                out.doubles[i] = doubles[positions[i]];
            }
        } else {
            for (int i = 0; i < count; i++) {
                out.strings[i] = strings[positions[i]];
            }
        }
        return out;
    }

    /** The high word of the decimal in row {@code row}. */
    long high(int row) {
        return highs != null ? highs[row] : longs[row] >> 63;
    }

    /** Whether the decimal in row {@code row} fits a long (always, up to precision 18). */
    boolean fitsLong(int row) {
        return highs == null || highs[row] == longs[row] >> 63;
    }

    /** The decimal in row {@code row} as a BigDecimal (for the slow paths and string conversion). */
    BigDecimal bigDecimal(int row) {
        return Int128.toBigDecimal(high(row), longs[row], type.scale());
    }

    /** Sets row {@code row} to a decimal at this column's scale that fits its precision. */
    void setDecimal(int row, long high, long low) {
        longs[row] = low;
        if (highs != null) {
            highs[row] = high;
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
