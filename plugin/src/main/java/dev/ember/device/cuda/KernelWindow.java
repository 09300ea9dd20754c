package dev.ember.device.cuda;

import static java.util.Objects.requireNonNull;

import dev.ember.device.Device.AggregateOperation;
import dev.ember.device.Device.WindowFrame;
import dev.ember.device.Device.WindowOperation;
import dev.ember.device.WindowStarts;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;

/**
 * The window primitives on the GPU: {@code keyChanges} (kernel {@code window_key_change_flags} and stream
 * compaction) and {@code window} (kernels {@code window_rank}, {@code window_fold_growing} and
 * {@code window_fold_sliding} of {@code window.cu}, with the group-by's folds of {@code group_fold.cuh}), equal to {@code dev.ember.device.host.HostWindow}
 * row for row: rankings from the partition and peer starts; each aggregate's state over a row's frame, folded
 * in row order with the group-by's fold, so sums round and overflow as the host's do.
 *
 * <p>Covers ROW_NUMBER, RANK, DENSE_RANK, every window aggregate over fixed-width values, and min and max
 * over UTF8_BINARY strings (kernels {@code window_string_extreme_growing} and {@code _sliding} find the row
 * holding each frame's extreme, then {@link ColumnGather}'s gather-or-null copies its string);
 * {@link #unsupportedReason} names what it does not cover (collated strings), which the caller runs on the host. An ANSI long overflow makes {@link #window} return empty: the caller then lets the host run the
 * same window, which throws Spark's error at the same row.
 */
final class KernelWindow {
    private final KernelLauncher launcher;
    private final StreamCompaction compaction;
    private final ColumnGather gather;

    KernelWindow(KernelLauncher launcher, StreamCompaction compaction) {
        this.launcher = requireNonNull(launcher, "launcher is null");
        this.compaction = requireNonNull(compaction, "compaction is null");
        this.gather = new ColumnGather(launcher);
    }

    /** Why the kernels cannot compare these keys (the caller then uses the host's), or empty. */
    static Optional<String> keyChangesUnsupportedReason(List<FieldVector> keys) {
        for (FieldVector key : keys) {
            if (ColumnKind.of(key) == null) {
                return Optional.of("a key of Arrow type " + key.getField().getType()
                        + " (the key-change kernel compares fixed-width and string keys)");
            }
        }
        return Optional.empty();
    }

    /**
     * {@code Device.keyChanges} on the kernels: window_key_change_flags, then stream compaction.
     *
     * @throws IllegalArgumentException when {@code rowCount} exceeds a key's values
     */
    IntVector keyChanges(List<FieldVector> keys, int rowCount, BufferAllocator allocator) {
        requireNonNull(keys, "keys is null");
        requireNonNull(allocator, "allocator is null");
        if (rowCount < 0) {
            throw new IllegalArgumentException("rowCount must not be negative: " + rowCount);
        }
        for (FieldVector key : keys) {
            if (key.getValueCount() < rowCount) {
                throw new IllegalArgumentException("rows [0, " + rowCount + ") are outside a key column of "
                        + key.getValueCount() + " values");
            }
        }
        launcher.enter();
        try (ArrowBuf table = allocator.buffer(Math.max(1, keys.size()) * (long) KernelGroupBy.TABLE_WORDS * Long.BYTES);
                BitVector flags = new BitVector("changes", allocator)) {
            flags.allocateNew(Math.max(rowCount, 1));
            if (rowCount > 0) {
                for (int k = 0; k < keys.size(); k++) {
                    KernelGroupBy.describeColumn(launcher, table, k, "key column " + k, keys.get(k), rowCount, false);
                }
                long bitmapBytes = (rowCount + 7L) / 8;
                launcher.requireManaged("the key-change flags", flags.getDataBuffer().memoryAddress(), bitmapBytes);
                launcher.requireManaged("the key-change validity", flags.getValidityBuffer().memoryAddress(),
                        bitmapBytes);
                launcher.launch(Kernel.WINDOW_KEY_CHANGE_FLAGS, launcher.blocksFor(bitmapBytes), new KernelArguments()
                        .address("keys", table.memoryAddress()).integer("keyCount", keys.size())
                        .integer("count", rowCount).address("flags", flags.getDataBuffer().memoryAddress()));
                launcher.launch(Kernel.SET_VALID_BITS, launcher.blocksFor(bitmapBytes), new KernelArguments()
                        .address("bitmap", flags.getValidityBuffer().memoryAddress()).integer("count", rowCount));
            }
            flags.setValueCount(rowCount);
            return compaction.selectTrue(flags, rowCount, allocator);
        }
    }

    /** Why the kernels cannot run these operations (the caller then uses the host's), or empty. */
    static Optional<String> unsupportedReason(List<WindowOperation> operations) {
        for (WindowOperation operation : operations) {
            if (operation.kind() == WindowOperation.Kind.AGGREGATE
                    && FoldStates.valueKind(operation.aggregate()) == null) {
                return Optional.of(operation.aggregate().kind() + " over " + operation.aggregate().type().simpleString()
                        + " (the window kernels fold fixed-width values and UTF8_BINARY strings only)");
            }
        }
        return Optional.empty();
    }

    /**
     * The window's result columns (see {@code Device.window}), or empty after an ANSI long overflow. The
     * starts are checked as the host checks them.
     */
    Optional<List<List<FieldVector>>> window(IntVector partitionStarts, IntVector peerStarts,
            List<WindowOperation> operations, List<List<FieldVector>> inputs, int rowCount, BufferAllocator allocator) {
        requireNonNull(partitionStarts, "partitionStarts is null");
        requireNonNull(peerStarts, "peerStarts is null");
        requireNonNull(operations, "operations is null");
        requireNonNull(inputs, "inputs is null");
        requireNonNull(allocator, "allocator is null");
        if (inputs.size() != operations.size()) {
            throw new IllegalArgumentException(operations.size() + " operations but " + inputs.size() + " input lists");
        }
        int partitions = WindowStarts.read(partitionStarts, rowCount, "partition").length;
        int peers = WindowStarts.read(peerStarts, rowCount, "peer").length;
        checkPartitionsStartPeers(partitionStarts, partitions, peerStarts, peers);
        List<List<FieldVector>> out = new ArrayList<>(operations.size());
        launcher.enter();
        try (ArrowBuf error = allocator.buffer(Integer.BYTES)) {
            error.setInt(0, 0);
            launcher.requireManaged("the overflow flag", error.memoryAddress(), Integer.BYTES);
            long partitionAddress = partitionStarts.getDataBuffer().memoryAddress();
            long peerAddress = peerStarts.getDataBuffer().memoryAddress();
            if (rowCount > 0) {
                launcher.requireManaged("the partition starts", partitionAddress, partitions * 4L);
                launcher.requireManaged("the peer starts", peerAddress, peers * 4L);
            }
            for (int i = 0; i < operations.size(); i++) {
                WindowOperation operation = operations.get(i);
                if (operation.kind() == WindowOperation.Kind.AGGREGATE) {
                    out.add(aggregate(operation, inputs.get(i), partitionAddress, partitions, peerAddress, peers, rowCount,
                            error, allocator));
                } else {
                    out.add(List.of(ranking(operation.kind(), partitionAddress, partitions, peerAddress, peers, rowCount,
                            allocator)));
                }
            }
            launcher.synchronize("a window over " + rowCount + " rows");
            if (error.getInt(0) != 0) {
                out.forEach(columns -> columns.forEach(FieldVector::close));
                return Optional.empty();
            }
            return Optional.of(out);
        } catch (RuntimeException e) {
            out.forEach(columns -> columns.forEach(FieldVector::close));
            throw e;
        }
    }

    private IntVector ranking(WindowOperation.Kind kind, long partitionStarts, int partitions, long peerStarts, int peers,
            int rowCount, BufferAllocator allocator) {
        IntVector out = new IntVector(kind.name().toLowerCase(java.util.Locale.ROOT), allocator);
        try {
            out.allocateNew(Math.max(rowCount, 1));
            if (rowCount > 0) {
                long data = out.getDataBuffer().memoryAddress();
                launcher.requireManaged("a ranking's values", data, rowCount * 4L);
                launcher.requireManaged("a ranking's validity", out.getValidityBuffer().memoryAddress(),
                        (rowCount + 7L) / 8);
                launcher.launch(Kernel.WINDOW_RANK, launcher.blocksFor(rowCount), new KernelArguments()
                        .integer("kind", kind.ordinal()).address("partitionStarts", partitionStarts)
                        .integer("partitions", partitions).address("peerStarts", peerStarts).integer("peers", peers)
                        .integer("count", rowCount).address("out", data));
                launcher.launch(Kernel.SET_VALID_BITS, launcher.blocksFor((rowCount + 7L) / 8), new KernelArguments()
                        .address("bitmap", out.getValidityBuffer().memoryAddress()).integer("count", rowCount));
            }
            out.setValueCount(rowCount);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private List<FieldVector> aggregate(WindowOperation operation, List<FieldVector> opInputs, long partitionStarts,
            int partitions, long peerStarts, int peers, int rowCount, ArrowBuf error, BufferAllocator allocator) {
        AggregateOperation aggregate = operation.aggregate();
        ColumnKind valueKind = requireNonNull(FoldStates.valueKind(aggregate), "unsupported value type");
        if (valueKind == ColumnKind.STRING) {
            return stringExtreme(operation, opInputs, partitionStarts, partitions, peerStarts, peers, rowCount,
                    allocator);
        }
        List<AutoCloseable> scratch = new ArrayList<>();
        try {
            ArrowBuf table = track(scratch, allocator.buffer(
                    Math.max(1, opInputs.size()) * (long) KernelGroupBy.TABLE_WORDS * Long.BYTES));
            for (int i = 0; i < opInputs.size(); i++) {
                FieldVector input = opInputs.get(i);
                if (input.getValueCount() < rowCount) {
                    throw new IllegalArgumentException("a window input holds " + input.getValueCount()
                            + " values, fewer than the " + rowCount + " rows");
                }
                KernelGroupBy.describeColumn(launcher, table, i, aggregate.kind() + " input " + i, input, rowCount,
                        aggregate.kind() == AggregateOperation.Kind.COUNT);
            }
            ArrowBuf constants = track(scratch, FoldStates.constants(aggregate, valueKind, allocator));
            ArrowBuf values = track(scratch, stateArray(allocator, (long) rowCount * valueKind.width));
            ArrowBuf flags = track(scratch, stateArray(allocator, rowCount));
            ArrowBuf extra = track(scratch, stateArray(allocator, rowCount));
            if (rowCount > 0) {
                WindowFrame frame = operation.frame();
                KernelArguments arguments = new KernelArguments().integer("operation", aggregate.kind().ordinal())
                        .address("inputs", table.memoryAddress()).integer("inputCount", opInputs.size())
                        .address("constants", constants.memoryAddress()).address("partitionStarts", partitionStarts)
                        .integer("partitions", partitions);
                if (frame.lower() == WindowFrame.Bound.UNBOUNDED) {
                    launcher.launch(Kernel.WINDOW_FOLD_GROWING, launcher.blocksFor(partitions), arguments
                            .address("peerStarts", peerStarts).integer("peers", peers).integer("count", rowCount)
                            .integer("upper", frame.upper().ordinal()).integer("upperOffset", frame.upperOffset())
                            .address("values", values.memoryAddress()).address("flags", flags.memoryAddress())
                            .address("extra", extra.memoryAddress()).address("error", error.memoryAddress()));
                } else {
                    launcher.launch(Kernel.WINDOW_FOLD_SLIDING, launcher.blocksFor(rowCount), arguments
                            .integer("count", rowCount).integer("lowerOffset", frame.lowerOffset())
                            .integer("upperOffset", frame.upperOffset()).address("values", values.memoryAddress())
                            .address("flags", flags.memoryAddress()).address("extra", extra.memoryAddress())
                            .address("error", error.memoryAddress()));
                }
            }
            List<FieldVector> columns = FoldStates.columns(launcher, aggregate, valueKind, values, flags, extra, rowCount,
                    allocator);
            // the copies read the state arrays, which go back to the pool when this returns
            launcher.synchronize("copying out a window's states");
            return columns;
        } finally {
            for (int i = scratch.size() - 1; i >= 0; i--) {
                try {
                    scratch.get(i).close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing window scratch", e);
                }
            }
        }
    }

    /**
     * Min or max over strings: window_string_extreme_growing or _sliding writes the row holding each row's
     * frame extreme (-1: none), then the gather-or-null copies those rows' strings.
     */
    private List<FieldVector> stringExtreme(WindowOperation operation, List<FieldVector> opInputs,
            long partitionStarts, int partitions, long peerStarts, int peers, int rowCount, BufferAllocator allocator) {
        AggregateOperation aggregate = operation.aggregate();
        if (aggregate.kind() != AggregateOperation.Kind.MIN && aggregate.kind() != AggregateOperation.Kind.MAX) {
            throw new IllegalArgumentException(aggregate.kind() + " over strings is not a window aggregate");
        }
        FieldVector input = opInputs.get(0);
        if (input.getValueCount() < rowCount) {
            throw new IllegalArgumentException("a window input holds " + input.getValueCount()
                    + " values, fewer than the " + rowCount + " rows");
        }
        try (ArrowBuf table = allocator.buffer((long) KernelGroupBy.TABLE_WORDS * Long.BYTES);
                ArrowBuf constants = FoldStates.constants(aggregate, ColumnKind.STRING, allocator);
                IntVector winners = new IntVector("winners", allocator)) {
            winners.allocateNew(Math.max(rowCount, 1));
            if (rowCount > 0) {
                KernelGroupBy.describeColumn(launcher, table, 0, aggregate.kind() + " input", input, rowCount, false);
                long rows = winners.getDataBuffer().memoryAddress();
                launcher.requireManaged("the frames' winning rows", rows, rowCount * 4L);
                launcher.requireManaged("the winning rows' validity", winners.getValidityBuffer().memoryAddress(),
                        (rowCount + 7L) / 8);
                WindowFrame frame = operation.frame();
                KernelArguments arguments = new KernelArguments().integer("operation", aggregate.kind().ordinal())
                        .address("inputs", table.memoryAddress()).address("constants", constants.memoryAddress())
                        .address("partitionStarts", partitionStarts).integer("partitions", partitions);
                if (frame.lower() == WindowFrame.Bound.UNBOUNDED) {
                    launcher.launch(Kernel.WINDOW_STRING_EXTREME_GROWING, launcher.blocksFor(partitions), arguments
                            .address("peerStarts", peerStarts).integer("peers", peers).integer("count", rowCount)
                            .integer("upper", frame.upper().ordinal()).integer("upperOffset", frame.upperOffset())
                            .address("winners", rows));
                } else {
                    launcher.launch(Kernel.WINDOW_STRING_EXTREME_SLIDING, launcher.blocksFor(rowCount), arguments
                            .integer("count", rowCount).integer("lowerOffset", frame.lowerOffset())
                            .integer("upperOffset", frame.upperOffset()).address("winners", rows));
                }
                launcher.launch(Kernel.SET_VALID_BITS, launcher.blocksFor((rowCount + 7L) / 8), new KernelArguments()
                        .address("bitmap", winners.getValidityBuffer().memoryAddress()).integer("count", rowCount));
            }
            winners.setValueCount(rowCount);
            // the gather checks the rows on the host before its kernels run
            launcher.synchronize("finding a window's string extremes");
            List<FieldVector> strings = gather.gatherOrNull(List.of(input), winners, allocator);
            // the gather's kernels read the winning rows, which go back to the pool when this returns
            launcher.synchronize("gathering a window's string extremes");
            return strings;
        }
    }

    private ArrowBuf stateArray(BufferAllocator allocator, long bytes) {
        ArrowBuf buffer = allocator.buffer(Math.max(8, (bytes + 7) & ~7L));
        launcher.requireManaged("a window's states", buffer.memoryAddress(), buffer.capacity());
        return buffer;
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> scratch, T resource) {
        scratch.add(resource);
        return resource;
    }

    /** Every partition start must start a peer group: peers never span partitions. */
    private static void checkPartitionsStartPeers(IntVector partitionStarts, int partitions, IntVector peerStarts,
            int peers) {
        int peer = 0;
        for (int p = 0; p < partitions; p++) {
            int start = partitionStarts.get(p);
            while (peer < peers && peerStarts.get(peer) < start) {
                peer++;
            }
            if (peer == peers || peerStarts.get(peer) != start) {
                throw new IllegalArgumentException("partition start " + start + " is not a peer start");
            }
        }
    }
}
