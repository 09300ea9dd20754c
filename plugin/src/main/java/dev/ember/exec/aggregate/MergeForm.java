package dev.ember.exec.aggregate;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.device.Device.AggregateOperation;
import dev.ember.device.Device.AggregateOperation.Kind;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.types.LongType$;

/**
 * The form in which a spilling aggregation writes its groups to disk, and the group-by operations that
 * merge them back.
 *
 * <p>A spilled group is one row: its keys, then each operation's state columns ({@link Device.GroupBy#state}),
 * except that a decimal sum's "a value came" flag is written negated, as Spark's "is empty" buffer column.
 * Every operation has a merge form that folds such rows into the same state as folding the original rows
 * would: sums add sums (a decimal sum skips empty rows and keeps an overflow), a count sums counts,
 * min/max take the min/max of the states, and first/last merge Spark's (value, value set) buffers. The
 * merge form's state has the same columns as the original's, so {@link AggregateOutput} reads either.
 *
 * <p>First, last, min and max (which keeps the first of equal values, -0.0 or 0.0) depend on the order
 * rows are folded in. A spilled group keeps Spark's answer because the merge preserves that order: a key
 * always lands in the same part, each part's files are read in the order they were written, and groups are
 * written in input order (all groups held so far, before any later input row).
 */
final class MergeForm {
    private MergeForm() {}

    /** The operations that merge spilled states of {@code operations}, position for position. */
    static List<AggregateOperation> mergeOperations(List<AggregateOperation> operations) {
        List<AggregateOperation> merged = new ArrayList<>(operations.size());
        for (AggregateOperation operation : operations) {
            merged.add(operation.kind() == Kind.COUNT
                    ? new AggregateOperation(Kind.SUM_LONG, LongType$.MODULE$, 0, 0, false)
                    : operation);
        }
        return List.copyOf(merged);
    }

    /** How many state columns an operation of {@code kind} has (and its merge form reads). */
    static int stateWidth(Kind kind) {
        return switch (kind) {
            case SUM_DECIMAL, FIRST, FIRST_IGNORE_NULLS, LAST, LAST_IGNORE_NULLS -> 2;
            case SUM_LONG, SUM_DOUBLE, COUNT, MIN, MAX -> 1;
            case MOMENTS -> 3;
        };
    }

    /**
     * The groups of {@code groupBy} in spilled form: keys, then the state of each operation. New vectors
     * owned by the caller.
     */
    static List<FieldVector> export(Device.GroupBy groupBy, List<AggregateOperation> operations,
            BufferAllocator allocator) {
        List<FieldVector> out = new ArrayList<>(groupBy.keys(allocator));
        try {
            for (int i = 0; i < operations.size(); i++) {
                List<FieldVector> state = groupBy.state(i, allocator);
                if (operations.get(i).kind() != Kind.SUM_DECIMAL) {
                    out.addAll(state);
                    continue;
                }
                try {
                    out.add(state.get(0));
                    out.add(negated((BitVector) state.get(1), groupBy.groupCount(), allocator));
                } finally {
                    state.get(1).close();
                }
            }
            return out;
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(out);
            throw e;
        }
    }

    /** The inputs of each merge operation over spilled columns (lent: they stay with {@code columns}' owner). */
    static List<List<FieldVector>> inputs(List<FieldVector> columns, int keyCount,
            List<AggregateOperation> operations) {
        List<List<FieldVector>> inputs = new ArrayList<>(operations.size());
        int next = keyCount;
        for (AggregateOperation operation : operations) {
            int width = stateWidth(operation.kind());
            inputs.add(columns.subList(next, next + width));
            next += width;
        }
        if (next != columns.size()) {
            throw new IllegalStateException("a spilled aggregation batch has " + columns.size() + " columns where "
                    + next + " were written");
        }
        return inputs;
    }

    private static BitVector negated(BitVector flags, int rows, BufferAllocator allocator) {
        BitVector out = new BitVector("isEmpty", allocator);
        try {
            out.allocateNew(Math.max(rows, 1));
            for (int row = 0; row < rows; row++) {
                out.set(row, !flags.isNull(row) && flags.get(row) != 0 ? 0 : 1);
            }
            out.setValueCount(rows);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }
}
