package dev.ember.device.cuda;

import static java.util.Objects.requireNonNull;

import dev.ember.device.Device.AggregateOperation;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * The per-group strings of one min, max, first or last over strings in a {@link KernelGroupBy}: an arena in
 * Arrow's VarChar layout (int32 offsets, one per group and one more, and the bytes; a group without a string
 * holds an empty one) in buffers of the grouping's allocator. The operation's flag bytes (non-null for
 * min/max; value set and non-null for first/last) stay in the grouping's state arrays and are passed in.
 *
 * <p>Each {@link #fold} rebuilds the arena for every group, because the batch whose rows won is closed after
 * the grouping's {@code add}: {@code group_by_fold_strings} finds each group's winning row (or keeps the
 * stored string), {@code group_by_string_state_lengths} and {@code exclusive_scan_tile_totals} size the new
 * arena, {@code group_by_store_string_states} copies the strings, and the old arena is freed. It holds at most
 * 2^31 - 1 bytes, as one Arrow VarChar vector does. Not thread-safe; the grouping owns and closes it.
 */
final class GroupStringState implements AutoCloseable {
    private final KernelLauncher launcher;
    private final BufferAllocator allocator;
    private final AggregateOperation operation;
    /** groups + 1 int32 offsets of the last fold, or null before the first. */
    private ArrowBuf offsets;
    private ArrowBuf bytes;
    private long used;
    private int groups;

    GroupStringState(KernelLauncher launcher, BufferAllocator allocator, AggregateOperation operation) {
        this.launcher = requireNonNull(launcher, "launcher is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.operation = requireNonNull(operation, "operation is null");
    }

    /**
     * Folds a batch's rows into the strings of groups {@code [0, groupCount)}, each group's rows in input order.
     * The segments are those of {@code KernelGroupBy}'s ordered fold (positions sorted by group id, one segment
     * per group present in the batch); {@code flags} and {@code extra} are the operation's flag bytes, updated
     * in place. Synchronizes: the old arena is freed before it returns, and the batch may then be closed.
     *
     * @param inputs the operation's input table ({@link KernelGroupBy#TABLE_WORDS} words per column; column 0
     *     the strings, column 1 the incoming "value set" flags of a first/last merge)
     * @throws IllegalStateException when the strings would exceed 2^31 - 1 bytes
     */
    void fold(ArrowBuf inputs, int inputCount, ArrowBuf constants, long positions, long groupIds, long segmentStarts,
            int segments, int rowCount, ArrowBuf flags, ArrowBuf extra, int groupCount) {
        try (ArrowBuf winners = allocator.buffer(Math.max(8, groupCount * 4L));
                ArrowBuf lengths = allocator.buffer((groupCount + 1L) * Long.BYTES)) {
            launcher.requireManaged("the string states' winning rows", winners.memoryAddress(), groupCount * 4L);
            launcher.requireManaged("the string states' lengths", lengths.memoryAddress(), lengths.capacity());
            // before the first fold no group holds a string, so the kernels never read the arena: any address serves
            long oldOffsets = offsets == null ? winners.memoryAddress() : offsets.memoryAddress();
            long oldBytes = bytes == null ? winners.memoryAddress() : bytes.memoryAddress();
            // groups without rows in this batch keep their stored string
            launcher.launch(Kernel.GROUP_BY_FILL_INTS, launcher.blocksFor(groupCount), new KernelArguments()
                    .address("target", winners.memoryAddress()).integer("count", groupCount).integer("value", -1));
            launcher.launch(Kernel.GROUP_BY_FOLD_STRINGS, launcher.blocksFor(segments), new KernelArguments()
                    .integer("operation", operation.kind().ordinal()).address("inputs", inputs.memoryAddress())
                    .integer("inputCount", inputCount).address("constants", constants.memoryAddress())
                    .address("positions", positions).address("groupIds", groupIds)
                    .address("starts", segmentStarts).integer("segments", segments).integer("count", rowCount)
                    .address("offsets", oldOffsets).address("bytes", oldBytes)
                    .address("flags", flags.memoryAddress()).address("extra", extra.memoryAddress())
                    .address("winners", winners.memoryAddress()));
            launcher.launch(Kernel.GROUP_BY_STRING_STATE_LENGTHS, launcher.blocksFor(groupCount), new KernelArguments()
                    .integer("operation", operation.kind().ordinal()).address("inputs", inputs.memoryAddress())
                    .address("winners", winners.memoryAddress()).integer("groupCount", groupCount)
                    .address("offsets", oldOffsets).address("flags", flags.memoryAddress())
                    .address("extra", extra.memoryAddress()).address("lengths", lengths.memoryAddress()));
            launcher.launch(Kernel.EXCLUSIVE_SCAN_TILE_TOTALS, 1, new KernelArguments()
                    .address("values", lengths.memoryAddress()).integer("count", groupCount));
            launcher.synchronize("sizing the strings of " + groupCount + " groups");
            long total = lengths.getLong((long) groupCount * Long.BYTES);
            if (total > Integer.MAX_VALUE) {
                throw new IllegalStateException(operation.kind() + " over strings holds " + total
                        + " bytes, more than one Arrow string vector holds (2^31 - 1)");
            }
            ArrowBuf newOffsets = allocator.buffer((groupCount + 1L) * Integer.BYTES);
            ArrowBuf newBytes;
            try {
                newBytes = allocator.buffer(Math.max(8, total));
            } catch (RuntimeException e) {
                newOffsets.close();
                throw e;
            }
            try {
                launcher.requireManaged("the string states' offsets", newOffsets.memoryAddress(), newOffsets.capacity());
                launcher.requireManaged("the string states' bytes", newBytes.memoryAddress(), newBytes.capacity());
                launcher.launch(Kernel.GROUP_BY_STORE_STRING_STATES, launcher.blocksFor(groupCount), new KernelArguments()
                        .address("inputs", inputs.memoryAddress()).address("winners", winners.memoryAddress())
                        .integer("groupCount", groupCount).address("offsets", oldOffsets).address("bytes", oldBytes)
                        .address("starts", lengths.memoryAddress()).address("newOffsets", newOffsets.memoryAddress())
                        .address("newBytes", newBytes.memoryAddress()));
                // the copy reads the old arena and the batch: both must outlive it
                launcher.synchronize("storing the strings of " + groupCount + " groups");
            } catch (RuntimeException e) {
                newOffsets.close();
                newBytes.close();
                throw e;
            }
            close();
            offsets = newOffsets;
            bytes = newBytes;
            used = total;
            groups = groupCount;
        }
    }

    /**
     * The state columns of groups {@code [0, groupCount)} as {@code Device.GroupBy.state} returns them (min/max:
     * the string; first/last: the string and the "value set" flags); the caller synchronizes before reading.
     */
    List<FieldVector> columns(ArrowBuf flags, ArrowBuf extra, int groupCount, BufferAllocator target) {
        if (offsets != null && groups != groupCount) {
            throw new IllegalStateException("the strings were folded for " + groups + " groups, not " + groupCount);
        }
        List<FieldVector> out = new ArrayList<>(2);
        try {
            boolean extreme = operation.kind() == AggregateOperation.Kind.MIN
                    || operation.kind() == AggregateOperation.Kind.MAX;
            VarCharVector values = new VarCharVector(extreme ? "extreme" : "value", target);
            out.add(values);
            FoldStates.fillStrings(launcher, values, offsets, bytes, used, extreme ? flags : extra, groupCount);
            if (!extreme) {
                FieldVector valueSet = new BitVector("valueSet", target);
                out.add(valueSet);
                FoldStates.fill(launcher, valueSet, ColumnKind.BOOLEAN, flags, null, false, groupCount);
            }
            return out;
        } catch (RuntimeException e) {
            out.forEach(FieldVector::close);
            throw e;
        }
    }

    @Override
    public void close() {
        if (offsets != null) {
            offsets.close();
            offsets = null;
        }
        if (bytes != null) {
            bytes.close();
            bytes = null;
        }
        used = 0;
        groups = 0;
    }
}
