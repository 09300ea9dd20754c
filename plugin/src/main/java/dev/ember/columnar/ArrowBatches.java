package dev.ember.columnar;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Hands Ember's Arrow vectors to Spark as a {@link ColumnarBatch} and reads them back.
 *
 * <p>Ownership: {@link #toSpark} moves the vectors into the batch; closing the batch closes them.
 * {@link #vectors} lends the vectors of a batch; the batch keeps them.
 */
public final class ArrowBatches {
    private ArrowBatches() {}

    /**
     * A Spark batch over Arrow vectors of {@code rowCount} values each; the batch takes ownership.
     *
     * @throws IllegalArgumentException when a vector's value count differs from {@code rowCount}
     */
    public static ColumnarBatch toSpark(List<? extends FieldVector> vectors, int rowCount) {
        requireNonNull(vectors, "vectors is null");
        if (rowCount < 0) {
            throw new IllegalArgumentException("rowCount is negative: " + rowCount);
        }
        ColumnVector[] columns = new ColumnVector[vectors.size()];
        for (int i = 0; i < columns.length; i++) {
            FieldVector vector = requireNonNull(vectors.get(i), "vector is null");
            if (vector.getValueCount() != rowCount) {
                throw new IllegalArgumentException("column " + i + " (" + vector.getField().getName() + ") holds "
                        + vector.getValueCount() + " values but the batch has " + rowCount + " rows");
            }
            columns[i] = new ArrowColumnVector(vector);
        }
        return new ColumnarBatch(columns, rowCount);
    }

    /** Whether every column of the batch is an Arrow vector (an Ember batch). */
    public static boolean isArrow(ColumnarBatch batch) {
        for (int i = 0; i < batch.numCols(); i++) {
            if (!(batch.column(i) instanceof ArrowColumnVector)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The Arrow vectors of an Ember batch, lent: the batch still owns them.
     *
     * @throws IllegalArgumentException when a column is not an Arrow vector
     */
    public static List<FieldVector> vectors(ColumnarBatch batch) {
        requireNonNull(batch, "batch is null");
        List<FieldVector> vectors = new ArrayList<>(batch.numCols());
        for (int i = 0; i < batch.numCols(); i++) {
            ColumnVector column = batch.column(i);
            if (!(column instanceof ArrowColumnVector arrow)) {
                throw new IllegalArgumentException("column " + i + " is a " + column.getClass().getSimpleName()
                        + ", not an Arrow vector: Ember operators take only Ember batches");
            }
            ValueVector vector = arrow.getValueVector();
            vectors.add((FieldVector) vector);
        }
        return vectors;
    }

    /**
     * Rows {@code [start, start + count)} of {@code vector} as a new vector accounted to {@code allocator}
     * and owned by the caller; {@code vector} keeps its owner. Arrow shares the buffers where it can slice
     * them and copies where it must (a validity bitmap that does not start on a byte, offsets it rebases),
     * so this may allocate; when that fails, the half-built vector is closed and nothing stays allocated.
     */
    public static FieldVector slice(FieldVector vector, int start, int count, BufferAllocator allocator) {
        if (vector instanceof BitVector bits) {
            // Arrow slices a bit vector without moving (all of) its buffers to the target allocator: they
            // stay accounted to the source's allocator, which then cannot close while the slice lives (an
            // aggregation's boolean keys held by the sort above it leaked 256 bytes, fuzzer regression
            // aggregate-filter-on-boolean-key-leaks). Booleans are small: copy them into the target instead.
            return copyBits(bits, start, count, allocator);
        }
        TransferPair pair = vector.getTransferPair(allocator);
        try {
            pair.splitAndTransfer(start, count);
        } catch (RuntimeException e) {
            pair.getTo().close();
            throw e;
        }
        return (FieldVector) pair.getTo();
    }

    private static BitVector copyBits(BitVector source, int start, int count, BufferAllocator allocator) {
        BitVector out = new BitVector(source.getField(), allocator);
        try {
            out.allocateNew(Math.max(count, 1));
            if (start % 8 == 0) {
                int bytes = (count + 7) >>> 3;
                long from = start >>> 3;
                out.getValidityBuffer().setBytes(0, source.getValidityBuffer(), from, bytes);
                out.getDataBuffer().setBytes(0, source.getDataBuffer(), from, bytes);
            } else {
                for (int row = 0; row < count; row++) {
                    if (source.isNull(start + row)) {
                        out.setNull(row);
                    } else {
                        out.set(row, source.get(start + row));
                    }
                }
            }
            out.setValueCount(count);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** Closes vectors, keeping the first failure and closing the rest anyway. */
    public static void closeAll(List<? extends AutoCloseable> resources) {
        RuntimeException failure = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
