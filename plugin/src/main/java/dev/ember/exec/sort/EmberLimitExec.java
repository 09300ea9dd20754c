package dev.ember.exec.sort;


import dev.ember.columnar.ArrowBatches;
import dev.ember.exec.EmberUnaryExec;
import dev.ember.exec.BatchIterator;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.Rdds;
import dev.ember.memory.EmberMemory;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.Iterator;
import scala.collection.immutable.IndexedSeq;

/**
 * Replaces Spark's {@code LocalLimitExec} and {@code GlobalLimitExec}: per partition, passes rows
 * {@code offset} (inclusive) to {@code limit} (exclusive) of its input, sharing the input's buffers. As in
 * Spark's {@code GlobalLimitExec(limit, child, offset)}, the limit counts the skipped rows too
 * ({@code LIMIT 2 OFFSET 2} is planned as limit 4, offset 2); {@code limit < 0} passes every row after
 * the offset. A global limit reads a single partition (Spark places the exchange), so per partition is
 * the whole answer. Stops reading its input once the limit is reached.
 */
public final class EmberLimitExec extends EmberUnaryExec {
    private static final long serialVersionUID = 1L;

    private final int limit;
    private final int offset;
    private final boolean global;

    public EmberLimitExec(int limit, int offset, boolean global, SparkPlan child) {
        super(child);
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        this.limit = limit;
        this.offset = offset;
        this.global = global;
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new EmberLimitExec(limit, offset, global, newChildren.apply(0));
    }

    @Override
    public String nodeName() {
        return global ? "EmberGlobalLimit" : "EmberLocalLimit";
    }

    @Override
    public int productArity() {
        return 4;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> limit;
            case 1 -> offset;
            case 2 -> global;
            case 3 -> child;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        int rows = limit;
        int skip = offset;
        OperatorMetrics metrics = operatorMetrics();
        return Rdds.mapPartitions(child.executeColumnar(),
                batches -> new BatchIterator(new LimitSource(batches, rows, skip, metrics), metrics), ColumnarBatch.class);
    }

    /** Slices the batches of one partition. */
    private static final class LimitSource implements BatchIterator.Source {
        private final Iterator<ColumnarBatch> input;
        private final OperatorMetrics metrics;
        private final BufferAllocator allocator = EmberMemory.taskAllocator();
        private long remaining;
        private long toSkip;

        LimitSource(Iterator<ColumnarBatch> input, int limit, int offset, OperatorMetrics metrics) {
            this.input = input;
            // Spark's limit includes the offset: rows [offset, limit) are the answer
            this.remaining = limit < 0 ? Long.MAX_VALUE : Math.max(0, limit - offset);
            this.toSkip = offset;
            this.metrics = metrics;
        }

        @Override
        public ColumnarBatch next() {
            while (remaining > 0 && input.hasNext()) {
                ColumnarBatch batch = input.next();
                int rows = batch.numRows();
                int skipped = (int) Math.min(toSkip, rows);
                toSkip -= skipped;
                int take = (int) Math.min(remaining, rows - skipped);
                if (take <= 0) {
                    continue;
                }
                remaining -= take;
                List<FieldVector> out = new ArrayList<>();
                try {
                    for (FieldVector vector : ArrowBatches.vectors(batch)) {
                        out.add(ArrowBatches.slice(vector, skipped, take, allocator));
                    }
                    ColumnarBatch result = ArrowBatches.toSpark(out, take);
                    metrics.produced(take);
                    return result;
                } catch (RuntimeException e) {
                    ArrowBatches.closeAll(out);
                    throw e;
                }
            }
            return null;
        }

        @Override
        public void close() {
            // holds no buffers between batches
        }
    }
}
