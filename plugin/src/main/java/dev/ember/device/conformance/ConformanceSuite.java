package dev.ember.device.conformance;

import static java.util.Objects.requireNonNull;

import dev.ember.device.Device;
import dev.ember.device.host.HostDevice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The kernel conformance suite {@code ember doctor} runs on a device: every primitive with a kernel
 * ({@code selectTrue}, {@code gather}, {@code gatherOrNull}, {@code concatenate}, {@code hashPartition},
 * {@code splitByPartition}, {@code buildJoinTable} and {@code probeJoinTable}, {@code sortIndices} with and
 * without a limit, {@code newGroupBy}, {@code keyChanges} and {@code window}, and {@code evaluate} of random
 * expression programs), on
 * {@link HostDevice} and on the device, over the same seeded random inputs of every type (nulls, NaN, -0.0,
 * extremes, empty and multi-byte strings, wide decimals, repeated and hot keys), from empty and one row to
 * more than a block, a tile or a grid; the results must be identical. The checks are the ones the JUnit
 * conformance tests run ({@link PrimitiveChecks}, {@link JoinTableChecks}, {@link SortChecks},
 * {@link GroupByChecks}, {@link WindowChecks}, {@link ExpressionChecks}) with fewer sizes and, for the join table, five key sets:
 * 88 checks, 17 seconds of the doctor's run on the driver emulator on a quiet 2-core x86-64 machine (2026-12-05;
 * 81 of them took 52 and 83 seconds on a loaded one, the join, sort and group-by checks 31 and 51 of those;
 * measured). The 44 checks before those took about 8 minutes on the
 * aarch64 emulator under qemu (measured; not measured since). On a GPU the host side's work dominates.
 *
 * <p>Each check gets its own allocator from the caller and closes it, so a leaked buffer fails the
 * check. A check fails on an {@link AssertionError} (a difference) or any exception (a failed launch,
 * a driver error); the suite goes on with the next check.
 */
public final class ConformanceSuite {

    /**
     * One named check.
     *
     * @param name what it compares, such as {@code gather rows=257 indices=85 nulls=0.3}
     * @param body the comparison; throws when the devices differ
     */
    public record Check(String name, Consumer<DevicePair> body) {
        public Check {
            requireNonNull(name, "name is null");
            requireNonNull(body, "body is null");
        }
    }

    /**
     * The outcome of one check.
     *
     * @param name the check's name
     * @param failure empty when the check passed, else what went wrong (the first difference, the seed)
     * @param nanos how long the check took
     */
    public record Result(String name, Optional<String> failure, long nanos) {
        public Result {
            requireNonNull(name, "name is null");
            requireNonNull(failure, "failure is null");
        }

        public boolean passed() {
            return failure.isEmpty();
        }
    }

    /** The outcomes of a run, in check order. */
    public record Report(List<Result> results, long seed) {
        public Report {
            results = List.copyOf(results);
        }

        public long passed() {
            return results.stream().filter(Result::passed).count();
        }

        public long failed() {
            return results.size() - passed();
        }

        /** The summary line: {@code N passed, M failed}. */
        public String summary() {
            return passed() + " passed, " + failed() + " failed";
        }
    }

    /** The rows of one join table check. */
    private record JoinSize(int buildRows, int probeRows, RowShape shape) {}

    private ConformanceSuite() {}

    /** The checks, in the order they run. */
    public static List<Check> checks() {
        List<Check> checks = new ArrayList<>();
        for (int rows : new int[] {0, 1, 257, 8193, 40_000}) {
            checks.add(new Check("selectTrue rows=" + rows, pair -> PrimitiveChecks.selectTrue(pair, rows, 0.2, 0.7)));
        }
        checks.add(new Check("selectTrue rows=1025 none true", pair -> PrimitiveChecks.selectTrue(pair, 1025, 0, 0)));
        checks.add(new Check("selectTrue rows=1025 all true", pair -> PrimitiveChecks.selectTrue(pair, 1025, 0, 1)));
        int[][] gathers = {{1, 1}, {257, 85}, {8193, 8193}, {20_000, 40_000}};
        double[] gatherNulls = {0.0, 0.3, 0.0, 1.0};
        for (int i = 0; i < gathers.length; i++) {
            int rows = gathers[i][0];
            int indices = gathers[i][1];
            double nulls = gatherNulls[i];
            checks.add(new Check("gather rows=" + rows + " indices=" + indices + " nulls=" + nulls,
                    pair -> PrimitiveChecks.gather(pair, rows, indices, nulls)));
        }
        checks.add(new Check("filter (evaluate, selectTrue, gather) rows=12345",
                pair -> PrimitiveChecks.filterPipeline(pair, 12_345)));
        int[][] outer = {{0, 1}, {257, 257}, {8193, 2731}, {1025, 1025}};
        double[] missing = {1.0, 0.3, 0.0, 1.0};
        for (int i = 0; i < outer.length; i++) {
            int rows = outer[i][0];
            int indices = outer[i][1];
            double share = missing[i];
            checks.add(new Check("gatherOrNull rows=" + rows + " indices=" + indices + " missing=" + share,
                    pair -> PrimitiveChecks.gatherOrNull(pair, rows, indices, share)));
        }
        int[][] concatenations = {{}, {0, 0, 0}, {7, 0, 9}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 5, 13}, {257, 1, 1025},
                {8193, 3, 0, 40_000}};
        for (int[] parts : concatenations) {
            checks.add(new Check("concatenate parts=" + Arrays.toString(parts),
                    pair -> PrimitiveChecks.concatenate(pair, parts)));
        }
        for (int rows : new int[] {0, 1, 1025, 8193}) {
            for (RowShape shape : RowShape.values()) {
                checks.add(new Check("hashPartition rows=" + rows + " " + shape,
                        pair -> PrimitiveChecks.hashPartitionIds(pair, rows, shape)));
            }
        }
        for (int rows : new int[] {0, 257, 8193}) {
            for (RowShape shape : new RowShape[] {RowShape.DISTINCT, RowShape.HOT_KEY}) {
                checks.add(new Check("splitByPartition rows=" + rows + " " + shape,
                        pair -> PrimitiveChecks.splitByPartition(pair, rows, shape)));
            }
        }
        addJoinTableChecks(checks);
        addSortChecks(checks);
        addGroupByChecks(checks);
        addWindowChecks(checks);
        for (int batch = 0; batch < 4; batch++) {
            int seedOffset = batch;
            checks.add(new Check("evaluate 12 random programs (batch " + batch + ") rows=0,1,257,20000",
                    pair -> ExpressionChecks.randomPrograms(new DevicePair(pair.host(), pair.device(), pair.allocator(),
                            pair.seed() + seedOffset), 12, new int[] {0, 1, 257, 20_000})));
        }
        return List.copyOf(checks);
    }

    private static void addJoinTableChecks(List<Check> checks) {
        // positions in RandomVectors.TYPES: a string key, a double key, int + string, long + int (the host keeps
        // two integral keys in its slots), decimal(38) + double + boolean
        List<int[]> keySets = List.of(new int[] {11}, new int[] {6}, new int[] {3, 11}, new int[] {4, 3},
                new int[] {7, 6, 0});
        // empty sides, one row, more than one grid of 1,024 threads
        List<JoinSize> joins = List.of(new JoinSize(0, 50, RowShape.DISTINCT), new JoinSize(50, 0, RowShape.FEW_KEYS),
                new JoinSize(1, 1, RowShape.DISTINCT), new JoinSize(1, 300, RowShape.HOT_KEY),
                new JoinSize(257, 1025, RowShape.DISTINCT), new JoinSize(257, 1025, RowShape.HOT_KEY),
                new JoinSize(3000, 2500, RowShape.FEW_KEYS), new JoinSize(20_000, 300, RowShape.DISTINCT));
        for (JoinSize join : joins) {
            checks.add(new Check("join table build=" + join.buildRows() + " probe=" + join.probeRows() + " "
                    + join.shape(),
                    pair -> JoinTableChecks.pairs(pair, join.buildRows(), join.probeRows(), join.shape(), keySets)));
        }
        checks.add(new Check("join table edge values meet their equals", JoinTableChecks::edgeValues));
        checks.add(new Check("join table int build, bigint probe", JoinTableChecks::integralKeysOfOtherWidths));
    }

    private static void addSortChecks(List<Check> checks) {
        for (int rows : new int[] {1, 1025}) {
            for (RowShape shape : RowShape.values()) {
                checks.add(sortEachKey(rows, shape));
            }
        }
        checks.add(sortEachKey(8193, RowShape.DISTINCT));
        for (int rows : new int[] {0, 257}) {
            for (RowShape shape : RowShape.values()) {
                checks.add(sortSeveralKeys(rows, shape));
            }
        }
        checks.add(sortSeveralKeys(20_000, RowShape.HOT_KEY));
        checks.add(new Check("sortIndices no keys", SortChecks::noKeys));
        checks.add(new Check("sortIndices 300-byte string keys", SortChecks::longStringKey));
        for (RowShape shape : RowShape.values()) {
            checks.add(new Check("sortIndices long strings past the radix prefix rows=1025 " + shape,
                    pair -> SortChecks.longStrings(pair, 1025, shape, 4)));
        }
    }

    private static Check sortEachKey(int rows, RowShape shape) {
        return new Check("sortIndices each key in 4 directions rows=" + rows + " " + shape,
                pair -> SortChecks.eachKeyInEveryDirection(pair, rows, shape));
    }

    private static Check sortSeveralKeys(int rows, RowShape shape) {
        return new Check("sortIndices several keys and top-N rows=" + rows + " " + shape,
                pair -> SortChecks.severalKeysAndLimits(pair, rows, shape, 6));
    }

    private static void addGroupByChecks(List<Check> checks) {
        for (int rows : new int[] {0, 1, 1025}) {
            for (RowShape shape : RowShape.values()) {
                checks.add(groupBy(rows, shape));
            }
        }
        checks.add(groupBy(8193, RowShape.DISTINCT));
        checks.add(groupBy(8193, RowShape.HOT_KEY));
        checks.add(new Check("newGroupBy string keys and string min/max/first/last over batches closed after their"
                + " add rows=8193 DISTINCT", pair -> GroupByChecks.closedBatches(pair, 8193, RowShape.DISTINCT)));
        // one hot key: a group's string min/max/first/last merged across disjoint batches, long strings included
        checks.add(new Check("newGroupBy string min/max/first/last over batches closed after their add rows=1025"
                + " HOT_KEY", pair -> GroupByChecks.closedBatches(pair, 1025, RowShape.HOT_KEY)));
    }

    private static void addWindowChecks(List<Check> checks) {
        List<int[]> sizes = List.of(new int[] {0, RowShape.DISTINCT.ordinal()}, new int[] {1, RowShape.DISTINCT.ordinal()},
                new int[] {1025, RowShape.DISTINCT.ordinal()}, new int[] {1025, RowShape.FEW_KEYS.ordinal()},
                new int[] {1025, RowShape.HOT_KEY.ordinal()}, new int[] {8193, RowShape.FEW_KEYS.ordinal()});
        for (int[] size : sizes) {
            RowShape shape = RowShape.values()[size[1]];
            checks.add(new Check("keyChanges of each type, window rankings and folds over every frame rows=" + size[0]
                    + " " + shape, pair -> WindowChecks.keyChangesAndWindows(pair, size[0], shape)));
        }
    }

    private static Check groupBy(int rows, RowShape shape) {
        return new Check("newGroupBy fixed-width and string keys, every operation rows=" + rows + " " + shape,
                pair -> GroupByChecks.groupings(pair, rows, shape));
    }

    /**
     * Runs every check of {@link #checks()} on {@code device} against a new {@link HostDevice}.
     *
     * @param newAllocator gives each check a fresh allocator of the device's memory; the suite closes it
     * @param seed the seed of every random input (printed with each failure; rerun with the same seed)
     * @param listener told of each result as it is known, for progress output
     */
    public static Report run(Device device, Supplier<BufferAllocator> newAllocator, long seed,
            Consumer<Result> listener) {
        requireNonNull(device, "device is null");
        requireNonNull(newAllocator, "newAllocator is null");
        requireNonNull(listener, "listener is null");
        Device host = new HostDevice();
        List<Result> results = new ArrayList<>();
        for (Check check : checks()) {
            long start = System.nanoTime();
            Optional<String> failure;
            try (BufferAllocator allocator = newAllocator.get()) {
                failure = runOne(check, new DevicePair(host, device, allocator, seed));
            } catch (RuntimeException e) {
                // closing the allocator failed: the check leaked a buffer
                failure = Optional.of(describe(e));
            }
            Result result = new Result(check.name(), failure, System.nanoTime() - start);
            results.add(result);
            listener.accept(result);
        }
        return new Report(results, seed);
    }

    private static Optional<String> runOne(Check check, DevicePair pair) {
        try {
            check.body().accept(pair);
            return Optional.empty();
        } catch (AssertionError | RuntimeException e) {
            return Optional.of(describe(e));
        }
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
