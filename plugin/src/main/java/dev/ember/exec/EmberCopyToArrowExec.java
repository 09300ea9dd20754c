package dev.ember.exec;


import dev.ember.columnar.BatchBuilder;
import dev.ember.config.EmberConf;
import dev.ember.memory.EmberMemory;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.Iterator;
import scala.collection.immutable.IndexedSeq;

/**
 * Where an Ember node reads a columnar Spark node (the vectorized Parquet or ORC reader, a cached
 * table): copies Spark's batches into Ember's Arrow batches, coalescing small ones up to
 * {@code spark.ember.batchSizeRows} rows and {@code spark.ember.batchSizeBytes} bytes.
 *
 * <p>The copy is needed because Spark's readers reuse their batches and their vectors are not Arrow.
 */
public final class EmberCopyToArrowExec extends EmberUnaryExec {
    private static final long serialVersionUID = 1L;

    public EmberCopyToArrowExec(SparkPlan child) {
        super(child);
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new EmberCopyToArrowExec(newChildren.apply(0));
    }

    @Override
    public int productArity() {
        return 1;
    }

    @Override
    public Object productElement(int n) {
        if (n != 0) {
            throw new IndexOutOfBoundsException(n);
        }
        return child;
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        EmberConf conf = EmberConf.of(SQLConf.get());
        int maxRows = conf.get(EmberConf.BATCH_SIZE_ROWS);
        long maxBytes = conf.get(EmberConf.BATCH_SIZE_BYTES);
        List<DataType> types = Seqs.typesOf(child.output());
        OperatorMetrics metrics = operatorMetrics();
        return Rdds.mapPartitions(child.executeColumnar(),
                batches -> new BatchIterator(new CopySource(batches, types, maxRows, maxBytes, metrics), metrics),
                ColumnarBatch.class);
    }

    /** Copies and coalesces the batches of one partition. */
    private static final class CopySource implements BatchIterator.Source {
        private final Iterator<ColumnarBatch> input;
        private final OperatorMetrics metrics;
        private final BatchBuilder builder;
        /** The Spark batch being copied, and how many of its rows are copied already. */
        private ColumnarBatch partial;
        private int partialOffset;

        CopySource(Iterator<ColumnarBatch> input, List<DataType> types, int maxRows, long maxBytes,
                OperatorMetrics metrics) {
            this.input = input;
            this.metrics = metrics;
            this.builder = new BatchBuilder(types, EmberMemory.taskAllocator(), maxRows, maxBytes);
        }

        @Override
        public ColumnarBatch next() {
            long spent = 0;
            try {
                while (true) {
                    if (partial == null) {
                        // the upstream reader's time is its own, not this operator's
                        if (!input.hasNext()) {
                            break;
                        }
                        partial = input.next();
                        partialOffset = 0;
                    }
                    long start = System.nanoTime();
                    int take = Math.min(builder.remainingRows(), partial.numRows() - partialOffset);
                    builder.append(partial, partialOffset, take);
                    partialOffset += take;
                    if (partialOffset == partial.numRows()) {
                        partial = null;
                    }
                    spent += System.nanoTime() - start;
                    if (builder.remainingRows() == 0 || builder.isFull()) {
                        break;
                    }
                }
                if (builder.rows() == 0) {
                    return null;
                }
                long start = System.nanoTime();
                ColumnarBatch batch = builder.build();
                spent += System.nanoTime() - start;
                metrics.produced(batch.numRows());
                return batch;
            } finally {
                metrics.operatorTime().add(spent);
            }
        }

        @Override
        public void close() {
            builder.close();
        }
    }
}
