package dev.ember.device.cuda;

import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * How the sort, hash join and group-by kernels read a column: the ordinal is the kernels' kind number
 * ({@code kernels/src/main/cuda/column_kind.h}), the width the bytes of one value (0 for strings, read
 * through offsets). Dates read as ints (days), timestamps as longs (microseconds).
 */
enum ColumnKind {
    BOOLEAN(1), BYTE(1), SHORT(2), INT(4), LONG(8), FLOAT(4), DOUBLE(8), DECIMAL(16), STRING(0);

    final int width;

    ColumnKind(int width) {
        this.width = width;
    }

    boolean integral() {
        return this == BYTE || this == SHORT || this == INT || this == LONG;
    }

    /** Bytes of the value buffer of {@code rows} rows of a fixed-width kind (booleans are bit-packed). */
    long valueBytes(int rows) {
        return this == BOOLEAN ? (rows + 7L) / 8 : (long) rows * width;
    }

    /** The kind of {@code vector}, or null for an Arrow type no kernel reads. */
    static ColumnKind of(FieldVector vector) {
        if (vector instanceof BitVector) {
            return BOOLEAN;
        } else if (vector instanceof TinyIntVector) {
            return BYTE;
        } else if (vector instanceof SmallIntVector) {
            return SHORT;
        } else if (vector instanceof IntVector || vector instanceof DateDayVector) {
            return INT;
        } else if (vector instanceof BigIntVector || vector instanceof TimeStampVector) {
            return LONG;
        } else if (vector instanceof Float4Vector) {
            return FLOAT;
        } else if (vector instanceof Float8Vector) {
            return DOUBLE;
        } else if (vector instanceof DecimalVector) {
            return DECIMAL;
        } else if (vector instanceof VarCharVector) {
            return STRING;
        }
        return null;
    }
}
