package dev.ember.exec;


import dev.ember.columnar.BatchBuilder;
import dev.ember.config.EmberConf;
import dev.ember.memory.EmberMemory;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.Iterator;
import scala.collection.immutable.IndexedSeq;

/**
 * Replaces Spark's {@code RowToColumnarExec} where an Ember node reads a row-based Spark node: copies
 * rows into Ember batches of up to {@code spark.ember.batchSizeRows} rows and
 * {@code spark.ember.batchSizeBytes} bytes.
 */
public final class EmberRowToColumnarExec extends EmberUnaryExec {
    private static final long serialVersionUID = 1L;

    public EmberRowToColumnarExec(SparkPlan child) {
        super(child);
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new EmberRowToColumnarExec(newChildren.apply(0));
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
        return Rdds.mapPartitions(child.execute(),
                rows -> new BatchIterator(new RowSource(rows, types, maxRows, maxBytes, metrics), metrics),
                ColumnarBatch.class);
    }

    /** Packs the rows of one partition into batches. */
    private static final class RowSource implements BatchIterator.Source {
        /** Rows between two checks of the batch's byte size (which walks the vectors). */
        private static final int SIZE_CHECK_INTERVAL = 1024;

        private final Iterator<InternalRow> rows;
        private final OperatorMetrics metrics;
        private final BatchBuilder builder;

        RowSource(Iterator<InternalRow> rows, List<DataType> types, int maxRows, long maxBytes,
                OperatorMetrics metrics) {
            this.rows = rows;
            this.metrics = metrics;
            this.builder = new BatchBuilder(types, EmberMemory.taskAllocator(), maxRows, maxBytes);
        }

        @Override
        public ColumnarBatch next() {
            long start = System.nanoTime();
            long upstream = 0;
            try {
                while (true) {
                    long before = System.nanoTime();
                    boolean more = rows.hasNext();
                    InternalRow row = more ? rows.next() : null;
                    upstream += System.nanoTime() - before;
                    if (!more) {
                        break;
                    }
                    builder.append(row);
                    if (builder.remainingRows() == 0
                            || (builder.rows() % SIZE_CHECK_INTERVAL == 0 && builder.isFull())) {
                        break;
                    }
                }
                if (builder.rows() == 0) {
                    return null;
                }
                ColumnarBatch batch = builder.build();
                metrics.produced(batch.numRows());
                return batch;
            } finally {
                metrics.operatorTime().add(System.nanoTime() - start - upstream);
            }
        }

        @Override
        public void close() {
            builder.close();
        }
    }
}
