package dev.ember.exec.window;

import dev.ember.columnar.ArrowBatches;
import dev.ember.exec.OperatorMetrics;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.Iterator;

/**
 * {@link EmberWindowGroupLimitExec} in one task: of the rows of finished window partitions, those whose
 * rank is within the limit come out (all of a batch's rows shared when every one is), in input order.
 */
final class GroupLimitSource extends SortedPartitions {
    private final GroupLimit limit;

    GroupLimitSource(Iterator<ColumnarBatch> input, GroupLimit limit, OperatorMetrics metrics, SQLMetric peak) {
        super("EmberWindowGroupLimitExec", input, limit.partitionKeys(), metrics, peak);
        this.limit = limit;
    }

    @Override
    protected ColumnarBatch finish(List<FieldVector> rows, int rowCount) {
        boolean handedOn = false;
        try (IntVector kept = memory.run(() -> keptRows(rows, rowCount))) {
            int count = kept.getValueCount();
            if (count == rowCount) {
                handedOn = true;
                return ArrowBatches.toSpark(rows, rowCount);
            }
            if (count == 0) {
                return null;
            }
            List<FieldVector> gathered = memory.run(() -> device.gather(rows, kept, allocator));
            return ArrowBatches.toSpark(gathered, count);
        } finally {
            if (!handedOn) {
                ArrowBatches.closeAll(rows);
            }
        }
    }

    /** The positions of the rows whose rank is within the limit. */
    private IntVector keptRows(List<FieldVector> rows, int rowCount) {
        BufferAllocator scratch = memory.allocator();
        try (WindowSource.Runs runs = WindowSource.Runs.of(limit.partitionKeys(), limit.orderKeys(), rows, rowCount,
                device, scratch)) {
            List<List<FieldVector>> ranks = device.window(runs.partitionStarts(), runs.peerStarts(),
                    List.of(limit.ranking()), List.of(List.of()), rowCount, scratch);
            try (BitVector flags = (BitVector) device.evaluate(limit.withinLimit(), ranks.get(0), rowCount, scratch)) {
                return device.selectTrue(flags, rowCount, scratch);
            } finally {
                ranks.forEach(ArrowBatches::closeAll);
            }
        }
    }
}
