package dev.ember.exec.scan;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.columnar.ArrowTypes;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.execution.vectorized.OffHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.ByteType$;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType$;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType$;
import org.apache.spark.sql.types.FloatType$;
import org.apache.spark.sql.types.IntegerType$;
import org.apache.spark.sql.types.LongType$;
import org.apache.spark.sql.types.ShortType$;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampType$;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Copies a batch of Spark's vectorized Parquet reader into a new Ember (Arrow) batch, column by column,
 * in bulk where the layouts agree.
 *
 * <p>Spark's {@link OffHeapColumnVector} keeps fixed-width values little-endian at
 * {@code valuesNativeAddress()}, as Arrow does, so those values move with one memory copy per column;
 * its nulls are one byte per row and its booleans one byte per value, so validity and booleans are
 * packed into Arrow's bits in one pass; strings keep their bytes in one child buffer, copied in one
 * piece when the non-null values lie in row order (the reader appends them so) after one pass that
 * writes Arrow's offsets. Dictionary-encoded columns (the reader decodes them lazily) decode each
 * distinct id of a batch once: integers, dates, timestamps, decimals of up to 18 digits and strings. Other
 * dictionary-encoded values, on-heap vectors, partition values ({@code ConstantColumnVector}) and wide
 * decimals are read value by value, still straight into the Arrow buffers.
 *
 * <p>Values under nulls are written as zeros, as {@code ColumnAppender} writes them. Stateless; the
 * caller owns the returned batch.
 */
public final class ColumnVectorImport {

    /** Dictionary ids a batch may span for its strings to be decoded once per id (see importDictionaryStrings). */
    private static final int DICTIONARY_CACHE_IDS = 1 << 16;

    private ColumnVectorImport() {}

    /** A new Arrow batch holding the first {@code rows} rows of {@code batch}; the caller owns it. */
    public static ColumnarBatch toArrow(ColumnarBatch batch, List<DataType> types, BufferAllocator allocator) {
        requireNonNull(batch, "batch is null");
        requireNonNull(types, "types is null");
        requireNonNull(allocator, "allocator is null");
        if (types.size() != batch.numCols()) {
            throw new IllegalArgumentException("batch has " + batch.numCols() + " columns, expected " + types.size());
        }
        int rows = batch.numRows();
        List<FieldVector> vectors = new ArrayList<>(types.size());
        try {
            for (int i = 0; i < types.size(); i++) {
                vectors.add(importColumn("c" + i, batch.column(i), types.get(i), rows, allocator));
            }
            return ArrowBatches.toSpark(vectors, rows);
        } catch (RuntimeException | Error e) {
            ArrowBatches.closeAll(vectors);
            throw e;
        }
    }

    /** A new Arrow vector holding the first {@code rows} values of {@code column}; the caller owns it. */
    public static FieldVector importColumn(String name, ColumnVector column, DataType type, int rows,
            BufferAllocator allocator) {
        return importColumn(name, column, type, 0, rows, allocator);
    }

    /**
     * A new Arrow vector holding values {@code [start, start + rows)} of {@code column}; the caller owns
     * it.
     */
    public static FieldVector importColumn(String name, ColumnVector column, DataType type, int start, int rows,
            BufferAllocator allocator) {
        if (start < 0 || rows < 0) {
            throw new IllegalArgumentException("bad range: " + rows + " rows from " + start);
        }
        FieldVector vector = ArrowTypes.newVector(name, type, allocator);
        try {
            if (vector instanceof VarCharVector strings) {
                importStrings(column, start, rows, strings);
            } else if (vector instanceof BitVector bits) {
                bits.allocateNew(rows);
                importBooleans(column, start, rows, bits.getDataBuffer());
                importValidity(column, start, rows, vector.getValidityBuffer(), null, 0);
            } else if (vector instanceof DecimalVector decimals) {
                decimals.allocateNew(rows);
                importDecimals(column, (DecimalType) type, start, rows, decimals);
                importValidity(column, start, rows, vector.getValidityBuffer(), vector.getDataBuffer(), 16);
            } else {
                BaseFixedWidthVector fixed = (BaseFixedWidthVector) vector;
                fixed.allocateNew(rows);
                int width = fixed.getTypeWidth();
                importFixedWidth(column, type, start, rows, width, fixed.getDataBuffer());
                importValidity(column, start, rows, vector.getValidityBuffer(), fixed.getDataBuffer(), width);
            }
            vector.setValueCount(rows);
            return vector;
        } catch (RuntimeException | Error e) {
            vector.close();
            throw e;
        }
    }

    /** Whether a column's values can be copied in bulk from its native buffer. */
    static boolean isBulk(ColumnVector column) {
        return column instanceof OffHeapColumnVector offHeap && !offHeap.hasDictionary();
    }

    /**
     * Arrow validity bits from Spark's null bytes, eight rows per byte; where {@code data} is given, the
     * {@code width} value bytes under each null are zeroed.
     */
    private static void importValidity(ColumnVector column, int start, int rows, ArrowBuf validity, ArrowBuf data,
            int width) {
        if (!column.hasNull()) {
            // bits past the last row stay 0, as Arrow's own writers leave them
            validity.setOne(0, rows / 8);
            if (rows % 8 != 0) {
                validity.setByte(rows / 8, (1 << (rows % 8)) - 1);
            }
            return;
        }
        for (int first = 0; first < rows; first += 8) {
            int end = Math.min(first + 8, rows);
            int bits = 0;
            for (int row = first; row < end; row++) {
                if (column.isNullAt(start + row)) {
                    if (data != null) {
                        data.setZero((long) row * width, width);
                    }
                } else {
                    bits |= 1 << (row - first);
                }
            }
            validity.setByte(first >>> 3, bits);
        }
    }

    private static void importFixedWidth(ColumnVector column, DataType type, int start, int rows, int width,
            ArrowBuf data) {
        if (isBulk(column)) {
            Platform.copyMemory(null, ((OffHeapColumnVector) column).valuesNativeAddress() + (long) start * width, null,
                    data.memoryAddress(), (long) rows * width);
            return;
        }
        boolean nulls = column.hasNull();
        boolean integral = type == IntegerType$.MODULE$ || type == DateType$.MODULE$ || type == LongType$.MODULE$
                || type == TimestampType$.MODULE$;
        if (integral) {
            long[] table = dictionaryTable(column, start, rows, width == 8);
            if (table != null) {
                long ids = ((OffHeapColumnVector) ((WritableColumnVector) column).getDictionaryIds()).valuesNativeAddress();
                long address = data.memoryAddress();
                for (int row = 0; row < rows; row++) {
                    if (!(nulls && column.isNullAt(start + row))) {
                        long value = table[Platform.getInt(null, ids + 4L * (start + row))];
                        if (width == 4) {
                            Platform.putInt(null, address + 4L * row, (int) value);
                        } else {
                            Platform.putLong(null, address + 8L * row, value);
                        }
                    }
                }
                return;
            }
        }
        for (int row = 0; row < rows; row++) {
            if (nulls && column.isNullAt(start + row)) {
                continue;
            }
            long at = (long) row * width;
            if (type == ByteType$.MODULE$) {
                data.setByte(at, column.getByte(start + row));
            } else if (type == ShortType$.MODULE$) {
                data.setShort(at, column.getShort(start + row));
            } else if (type == IntegerType$.MODULE$ || type == DateType$.MODULE$) {
                data.setInt(at, column.getInt(start + row));
            } else if (type == LongType$.MODULE$ || type == TimestampType$.MODULE$) {
                data.setLong(at, column.getLong(start + row));
            } else if (type == FloatType$.MODULE$) {
                data.setFloat(at, column.getFloat(start + row));
            } else if (type == DoubleType$.MODULE$) {
                data.setDouble(at, column.getDouble(start + row));
            } else {
                throw new IllegalArgumentException("not a fixed-width type: " + type.simpleString());
            }
        }
    }

    private static void importBooleans(ColumnVector column, int start, int rows, ArrowBuf data) {
        boolean nulls = column.hasNull();
        for (int first = 0; first < rows; first += 8) {
            int end = Math.min(first + 8, rows);
            int bits = 0;
            for (int row = first; row < end; row++) {
                if (!(nulls && column.isNullAt(start + row)) && column.getBoolean(start + row)) {
                    bits |= 1 << (row - first);
                }
            }
            data.setByte(first >>> 3, bits);
        }
    }

    /**
     * Decimals up to 18 digits are stored by Spark's writable vectors as ints (up to 9 digits) or longs;
     * they are sign-extended into Arrow's 128-bit little-endian values. Wider ones go through
     * {@link Decimal}.
     */
    private static void importDecimals(ColumnVector column, DecimalType type, int start, int rows, DecimalVector out) {
        int precision = type.precision();
        int scale = type.scale();
        ArrowBuf data = out.getDataBuffer();
        boolean nulls = column.hasNull();
        boolean writable = column instanceof WritableColumnVector;
        long[] table = writable && precision <= Decimal.MAX_LONG_DIGITS()
                ? dictionaryTable(column, start, rows, precision > Decimal.MAX_INT_DIGITS()) : null;
        if (table != null) {
            long ids = ((OffHeapColumnVector) ((WritableColumnVector) column).getDictionaryIds()).valuesNativeAddress();
            long address = data.memoryAddress();
            for (int row = 0; row < rows; row++) {
                if (!(nulls && column.isNullAt(start + row))) {
                    long unscaled = table[Platform.getInt(null, ids + 4L * (start + row))];
                    Platform.putLong(null, address + 16L * row, unscaled);
                    Platform.putLong(null, address + 16L * row + 8, unscaled >> 63);
                }
            }
            return;
        }
        for (int row = 0; row < rows; row++) {
            if (nulls && column.isNullAt(start + row)) {
                continue;
            }
            if (precision <= Decimal.MAX_LONG_DIGITS()) {
                long unscaled;
                if (writable) {
                    unscaled = precision <= Decimal.MAX_INT_DIGITS() ? column.getInt(start + row)
                            : column.getLong(start + row);
                } else {
                    unscaled = column.getDecimal(start + row, precision, scale).toUnscaledLong();
                }
                long at = (long) row * 16;
                data.setLong(at, unscaled);
                data.setLong(at + 8, unscaled >> 63);
            } else {
                BigDecimal exact = column.getDecimal(start + row, precision, scale).toJavaBigDecimal();
                out.set(row, exact.setScale(scale));
            }
        }
    }

    /**
     * For a dictionary-encoded int or long column whose ids are off-heap: its values indexed by dictionary
     * id, decoded once for each id the rows use (Spark's vectors decode on every read, through two calls
     * per value; a column such as TPC-H's {@code l_discount} repeats eleven values over millions of rows).
     * Null for any other column, or when the ids span more than a quarter as many values as there are rows
     * (a near-unique column, where decoding ahead saves little).
     *
     * @param wide read the values as longs, else as ints
     */
    private static long[] dictionaryTable(ColumnVector column, int start, int rows, boolean wide) {
        if (!(column instanceof WritableColumnVector writable) || !writable.hasDictionary()
                || !(writable.getDictionaryIds() instanceof OffHeapColumnVector offHeapIds)) {
            return null;
        }
        long ids = offHeapIds.valuesNativeAddress();
        boolean nulls = column.hasNull();
        int maxId = -1;
        for (int row = 0; row < rows; row++) {
            if (!(nulls && column.isNullAt(start + row))) {
                maxId = Math.max(maxId, Platform.getInt(null, ids + 4L * (start + row)));
            }
        }
        if ((long) maxId * 4 >= rows || maxId >= DICTIONARY_CACHE_IDS) {
            return null;
        }
        long[] table = new long[maxId + 1];
        boolean[] decoded = new boolean[maxId + 1];
        for (int row = 0; row < rows; row++) {
            if (!(nulls && column.isNullAt(start + row))) {
                int id = Platform.getInt(null, ids + 4L * (start + row));
                if (!decoded[id]) {
                    decoded[id] = true;
                    table[id] = wide ? column.getLong(start + row) : column.getInt(start + row);
                }
            }
        }
        return table;
    }

    /**
     * A dictionary-encoded string column: each distinct dictionary id of the batch is decoded once (the
     * reader's decoding copies the value's bytes on every call, and a low-cardinality column such as
     * TPC-H's {@code l_shipmode} repeats a handful of values), then the values are copied into Arrow.
     *
     * @return false, having written nothing, when the batch's ids span more than
     *     {@value #DICTIONARY_CACHE_IDS} values (then the caller reads value by value)
     */
    private static boolean importDictionaryStrings(WritableColumnVector column, int start, int rows,
            VarCharVector out) {
        WritableColumnVector ids = column.getDictionaryIds();
        boolean nulls = column.hasNull();
        int maxId = -1;
        for (int row = 0; row < rows; row++) {
            if (!(nulls && column.isNullAt(start + row))) {
                maxId = Math.max(maxId, ids.getDictId(start + row));
            }
        }
        if (maxId >= DICTIONARY_CACHE_IDS) {
            return false;
        }
        byte[][] decoded = new byte[maxId + 1][];
        long total = 0;
        for (int row = 0; row < rows; row++) {
            if (!(nulls && column.isNullAt(start + row))) {
                int id = ids.getDictId(start + row);
                if (decoded[id] == null) {
                    decoded[id] = column.getUTF8String(start + row).getBytes();
                }
                total += decoded[id].length;
            }
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalStateException("a batch of " + rows + " strings holds " + total + " bytes, more than one"
                    + " Arrow string vector can; lower spark.ember.batchSizeRows");
        }
        out.allocateNew(Math.max(total, 1), rows);
        importValidity(column, start, rows, out.getValidityBuffer(), null, 0);
        ArrowBuf offsets = out.getOffsetBuffer();
        long dataAddress = out.getDataBuffer().memoryAddress();
        int end = 0;
        offsets.setInt(0, 0);
        for (int row = 0; row < rows; row++) {
            if (!(nulls && column.isNullAt(start + row))) {
                byte[] value = decoded[ids.getDictId(start + row)];
                Platform.copyMemory(value, Platform.BYTE_ARRAY_OFFSET, null, dataAddress + end, value.length);
                end += value.length;
            }
            offsets.setInt((long) (row + 1) * 4, end);
        }
        out.setLastSet(rows - 1);
        return true;
    }

    private static void importStrings(ColumnVector column, int start, int rows, VarCharVector out) {
        if (column instanceof WritableColumnVector writable && writable.hasDictionary()
                && importDictionaryStrings(writable, start, rows, out)) {
            return;
        }
        boolean nulls = column.hasNull();
        boolean bulk = isBulk(column) && column instanceof WritableColumnVector;
        long total = 0;
        // the first pass measures; bulk columns also check that the values lie in row order
        long nextOffset = -1;
        boolean inOrder = bulk;
        long firstOffset = 0;
        for (int row = 0; row < rows; row++) {
            if (nulls && column.isNullAt(start + row)) {
                continue;
            }
            if (bulk) {
                WritableColumnVector writable = (WritableColumnVector) column;
                int offset = writable.getArrayOffset(start + row);
                int length = writable.getArrayLength(start + row);
                if (nextOffset < 0) {
                    firstOffset = offset;
                } else if (offset != nextOffset) {
                    inOrder = false;
                }
                nextOffset = (long) offset + length;
                total += length;
            } else {
                total += column.getUTF8String(start + row).numBytes();
            }
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalStateException("a batch of " + rows + " strings holds " + total + " bytes, more than one"
                    + " Arrow string vector can; lower spark.ember.batchSizeRows");
        }
        out.allocateNew(Math.max(total, 1), rows);
        ArrowBuf offsets = out.getOffsetBuffer();
        ArrowBuf data = out.getDataBuffer();
        importValidity(column, start, rows, out.getValidityBuffer(), null, 0);
        long dataAddress = data.memoryAddress();
        long sourceAddress = bulk ? ((WritableColumnVector) column).arrayData() instanceof OffHeapColumnVector child
                ? child.valuesNativeAddress() : 0 : 0;
        bulk &= sourceAddress != 0;
        int end = 0;
        offsets.setInt(0, 0);
        for (int row = 0; row < rows; row++) {
            if (!(nulls && column.isNullAt(start + row))) {
                if (bulk) {
                    WritableColumnVector writable = (WritableColumnVector) column;
                    int length = writable.getArrayLength(start + row);
                    if (!inOrder) {
                        Platform.copyMemory(null, sourceAddress + writable.getArrayOffset(start + row), null,
                                dataAddress + end, length);
                    }
                    end += length;
                } else {
                    UTF8String value = column.getUTF8String(start + row);
                    Platform.copyMemory(value.getBaseObject(), value.getBaseOffset(), null, dataAddress + end,
                            value.numBytes());
                    end += value.numBytes();
                }
            }
            offsets.setInt((long) (row + 1) * 4, end);
        }
        if (bulk && inOrder && total > 0) {
            Platform.copyMemory(null, sourceAddress + firstOffset, null, dataAddress, total);
        }
        if (end != total) {
            throw new IllegalStateException("string column changed while it was copied: " + total + " bytes measured, "
                    + end + " copied");
        }
        out.setLastSet(rows - 1);
    }
}
