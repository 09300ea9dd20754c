package dev.ember.device;

import dev.ember.expr.Program;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.types.DataType;

/**
 * The primitives Ember's operators are built from, implemented once per kind of device.
 *
 * <p>A contract only: it holds no implementation. {@code HostDevice} ({@code device/host}) runs every
 * primitive as Java loops; {@code CudaDevice} ({@code device/cuda}) runs them as kernels over the same
 * Arrow buffers, and where it has no kernel for a primitive (or for some input of one) it runs the
 * host implementation through a {@code HostDevice} it holds, over the same unified-memory buffers,
 * says so in {@link #implementationOf} and reports each such call to the current
 * {@link DeviceActivitySink}. Both must give identical results: a conformance suite checks that.
 * The primitives are named by {@link Primitive}.
 *
 * <p>Ownership: inputs are borrowed (never closed or kept); every returned vector is new and owned
 * by the caller, allocated from the allocator passed in. Implementations are thread-safe: the tasks
 * of one executor share a device.
 */
public interface Device extends AutoCloseable {

    /** A short name for logs and explain output, such as {@code host} or {@code cuda:0 (NVIDIA H100)}. */
    String name();

    /**
     * Evaluates a compiled expression program over {@code rowCount} rows of {@code inputs}.
     *
     * @return a new vector of {@code rowCount} values of the program's result type
     * @throws RuntimeException the error Spark raises for the same input (ANSI overflow, division by
     *     zero, invalid cast), for the first failing row
     */
    FieldVector evaluate(Program program, List<FieldVector> inputs, int rowCount, BufferAllocator allocator);

    /**
     * Evaluates several programs over the same rows, as one projection: on success one new vector per
     * program. When any row fails, the error is the one Spark's row-at-a-time projection raises: the
     * first failing row's, and on that row the first failing program's.
     */
    List<FieldVector> evaluateAll(List<Program> programs, List<FieldVector> inputs, int rowCount,
            BufferAllocator allocator);

    /**
     * Stream compaction: the positions of the rows whose flag is true (not null and not false), in
     * ascending order.
     */
    IntVector selectTrue(BitVector flags, int rowCount, BufferAllocator allocator);

    /**
     * Gather: for each column, a new vector holding {@code column[indices[i]]} for each i. An index
     * is never null and always below the column's value count.
     */
    List<FieldVector> gather(List<FieldVector> columns, IntVector indices, BufferAllocator allocator);

    /** The direction of one sort key. */
    record SortKey(boolean ascending, boolean nullsFirst) implements Serializable {}

    /**
     * Sort (and top-N): the row positions of {@code keys} in Spark's order for {@code orders}, ties
     * kept in input order; only the first {@code limit} positions when {@code limit >= 0}.
     */
    IntVector sortIndices(List<FieldVector> keys, List<SortKey> orders, int rowCount, int limit,
            BufferAllocator allocator);

    /**
     * Concatenate: new vectors holding the rows of every part in order; each part has the columns of
     * {@code template} (same Arrow types), which also gives the output fields.
     *
     * @throws IllegalArgumentException when a part has another number of columns than the template
     * @throws ArithmeticException when the parts hold more than {@code Integer.MAX_VALUE} rows together
     */
    List<FieldVector> concatenate(List<List<FieldVector>> parts, List<FieldVector> template,
            BufferAllocator allocator);

    /**
     * Gather where an index of -1 (any negative index) makes a null row (the unmatched side of an outer
     * join); other indices as in {@link #gather}.
     */
    List<FieldVector> gatherOrNull(List<FieldVector> columns, IntVector indices, BufferAllocator allocator);

    /**
     * Hash table build: indexes {@code rowCount} rows of the build side's key columns. Rows with a null
     * key are left out (they never match). The key vectors are borrowed and must stay open while the
     * table lives; the caller closes the table.
     */
    JoinTable buildJoinTable(List<FieldVector> keys, int rowCount, BufferAllocator allocator);

    /**
     * Hash table probe: the (probe row, build row) pairs whose keys are equal, for probe rows from
     * {@code startRow}, stopping after the first row at which {@code maxPairs} pairs are reached (a row's
     * pairs are never split). Probe rows with a null key match nothing. Floating keys match as Spark's
     * normalized keys do: NaN equals NaN, -0.0 equals 0.0.
     *
     * @param table a table this device built
     * @throws IllegalArgumentException when {@code table} comes from another kind of device
     */
    JoinMatches probeJoinTable(JoinTable table, List<FieldVector> probeKeys, int startRow, int rowCount,
            int maxPairs, BufferAllocator allocator);

    /**
     * Group-by aggregate: a new, empty grouping over key columns of {@code keyTypes} that folds the
     * inputs of {@code operations} into per-group state. The caller closes it.
     */
    GroupBy newGroupBy(List<DataType> keyTypes, List<AggregateOperation> operations, BufferAllocator allocator);

    // ---- hash partitioning (Spark's HashPartitioning) ----

    /** The seed of Spark's {@code HashPartitioning}: {@code Murmur3Hash(keys, 42)}. */
    int SPARK_PARTITION_SEED = 42;

    /**
     * Hash partition: for each of {@code rowCount} rows, the partition Spark's {@code HashPartitioning}
     * sends it to, {@code pmod(murmur3(keys..., 42), partitionCount)}. See {@link #hashPartition(List, int,
     * int, int, BufferAllocator)} for the hash itself.
     *
     * @return a new vector of {@code rowCount} partition ids in {@code [0, partitionCount)}, never null
     */
    default IntVector hashPartition(List<FieldVector> keys, int rowCount, int partitionCount,
            BufferAllocator allocator) {
        // an overload with Spark's seed, not an implementation: every device implements the one below
        return hashPartition(keys, rowCount, partitionCount, SPARK_PARTITION_SEED, allocator);
    }

    /**
     * Hash partition with another seed: the id of a row is {@code pmod(h, partitionCount)} where
     * {@code h} starts at {@code seed} and each key in order replaces it with Spark's Murmur3 hash of the
     * key's value seeded with {@code h} (Spark's {@code Murmur3Hash} expression). A null value leaves
     * {@code h} unchanged. Values hash as Spark hashes them: booleans as int 1/0, bytes, shorts, ints and
     * dates as ints, longs and timestamps as longs, floats and doubles by their bits with -0.0 and 0.0 both
     * hashing as int/long 0 and every NaN as the canonical NaN, decimals of precision up to 18 as their
     * unscaled long and wider ones by the bytes of their unscaled value, strings by their UTF-8 bytes.
     *
     * <p>A seed other than 42 spreads rows of one Spark partition over all ids (with 42 they keep the
     * residue class Spark's shuffle gave them): grace joins re-split with other seeds.
     *
     * @throws IllegalArgumentException when {@code partitionCount < 1}, {@code rowCount} exceeds a key's
     *     values, or a key's type is not one Ember carries
     */
    IntVector hashPartition(List<FieldVector> keys, int rowCount, int partitionCount, int seed,
            BufferAllocator allocator);

    /**
     * The row positions of each partition id: for each partition {@code p} in {@code [0, partitionCount)},
     * a new vector of the positions of the ids equal to {@code p}, ascending (a stable sort of the rows by
     * id). Partitions without rows get empty vectors. The caller owns every returned vector. Callers that
     * gather one partition at a time (a spill writes each part before gathering the next) use this instead
     * of {@link #splitByPartition}, which gathers every partition at once.
     *
     * @throws IllegalArgumentException when an id is null or outside {@code [0, partitionCount)}
     */
    List<IntVector> positionsByPartition(IntVector partitionIds, int partitionCount, BufferAllocator allocator);

    /**
     * Splits rows by partition id: for each partition {@code p} in {@code [0, partitionCount)}, new
     * columns holding the rows whose id is {@code p}, in their input order (a gather per partition).
     * Partitions without rows get empty columns. The caller owns every returned vector.
     *
     * @throws IllegalArgumentException when an id is null or outside {@code [0, partitionCount)}
     */
    List<List<FieldVector>> splitByPartition(List<FieldVector> columns, IntVector partitionIds, int partitionCount,
            BufferAllocator allocator);

    // ---- end of hash partitioning ----

    // ---- windows (Spark's WindowExec over rows sorted by partition keys, then order keys) ----

    /**
     * Key changes: the positions, ascending, of the rows whose keys differ from the previous row's, row 0
     * always included (none when {@code rowCount} is 0). Keys compare as Spark compares window partition
     * keys and the order keys of peers: null equals null, NaN equals NaN, -0.0 equals 0.0, strings by their
     * bytes. With no key columns only row 0 is a change.
     *
     * @throws IllegalArgumentException when {@code rowCount} exceeds a key's values
     */
    IntVector keyChanges(List<FieldVector> keys, int rowCount, BufferAllocator allocator);

    /**
     * The rows of one row's window frame, relative to its partition: Spark's frames for which
     * {@link #window} folds a frame's rows in row order exactly as Spark's window operator does.
     *
     * <ul>
     *   <li>{@code lower == UNBOUNDED}: the frame starts at the partition's first row, and {@code upper} is
     *       {@code UNBOUNDED} (the whole partition), {@code PEERS} (the row's last peer: RANGE ... CURRENT
     *       ROW) or {@code ROWS} (the row {@code upperOffset} rows after this one, clamped to the partition;
     *       ROWS ... CURRENT ROW is offset 0). Spark grows such a frame row by row, and so does
     *       {@link #window}.</li>
     *   <li>{@code lower == ROWS} and {@code upper == ROWS}: ROWS BETWEEN {@code lowerOffset} AND
     *       {@code upperOffset} (negative offsets precede the row), clamped to the partition, empty when the
     *       two cross. Spark folds such a frame from its first row each time it moves, and so does
     *       {@link #window}.</li>
     * </ul>
     *
     * Other shapes (a frame that starts at the current row's peers or ends at an unbounded following row
     * while starting after the partition's start) are not window frames of this primitive.
     */
    record WindowFrame(Bound lower, int lowerOffset, Bound upper, int upperOffset) implements Serializable {
        /** A frame boundary. */
        public enum Bound { UNBOUNDED, PEERS, ROWS }

        public WindowFrame {
            Objects.requireNonNull(lower, "lower is null");
            Objects.requireNonNull(upper, "upper is null");
            if (lower == Bound.PEERS || (lower == Bound.ROWS && upper != Bound.ROWS)) {
                throw new IllegalArgumentException("frame " + lower + ".." + upper + " is not a frame of window");
            }
        }

        /** The whole partition. */
        public static final WindowFrame PARTITION = new WindowFrame(Bound.UNBOUNDED, 0, Bound.UNBOUNDED, 0);
    }

    /**
     * One function of {@link #window}.
     *
     * <ul>
     *   <li>{@code ROW_NUMBER}, {@code RANK}, {@code DENSE_RANK}: Spark's ranking functions over the
     *       partition's peers; no inputs, no aggregate, no frame; one int column, never null.</li>
     *   <li>{@code AGGREGATE}: the state of {@code aggregate} (of kind {@code SUM_LONG}, {@code SUM_DOUBLE},
     *       {@code SUM_DECIMAL} without the "is empty" input, {@code COUNT}, {@code MIN} or {@code MAX}) folded
     *       over the rows of each row's {@code frame}, in row order: the same state columns
     *       {@link GroupBy#state} returns for a group that holds exactly those rows.</li>
     * </ul>
     */
    record WindowOperation(Kind kind, AggregateOperation aggregate, WindowFrame frame) implements Serializable {
        public enum Kind { ROW_NUMBER, RANK, DENSE_RANK, AGGREGATE }

        public WindowOperation {
            Objects.requireNonNull(kind, "kind is null");
            if ((kind == Kind.AGGREGATE) != (aggregate != null && frame != null)) {
                throw new IllegalArgumentException(kind + " takes " + (kind == Kind.AGGREGATE
                        ? "an aggregate and a frame" : "neither an aggregate nor a frame"));
            }
        }

        public static WindowOperation ranking(Kind kind) {
            return new WindowOperation(kind, null, null);
        }
    }

    /**
     * Window: for rows sorted so that each partition is a run of rows starting at a position of
     * {@code partitionStarts} and each peer group (rows with equal order keys) a run starting at a position
     * of {@code peerStarts} (both as {@link #keyChanges} gives them; every partition start is also a peer
     * start), the result of each operation for each of the {@code rowCount} rows.
     *
     * @param inputs one list of input vectors per operation (empty for rankings)
     * @return per operation its new columns of {@code rowCount} values, owned by the caller
     * @throws ArithmeticException as the aggregate's group-by state would throw it (an ANSI long overflow)
     */
    List<List<FieldVector>> window(IntVector partitionStarts, IntVector peerStarts, List<WindowOperation> operations,
            List<List<FieldVector>> inputs, int rowCount, BufferAllocator allocator);

    // ---- end of windows ----

    /** A built join hash table; see {@link #buildJoinTable}. */
    interface JoinTable extends AutoCloseable {
        int buildRowCount();

        /**
         * Bytes the table holds besides the build side's columns and outside the allocator it was built
         * with (the host's arrays on the Java heap; zero for a table whose buffers that allocator holds).
         */
        long bytes();

        @Override
        void close();
    }

    /**
     * The matching pairs of a probe, owned by the caller: {@code probeRows[i]} matched
     * {@code buildRows[i]}; {@code nextRow} is the first probe row not looked at yet.
     */
    record JoinMatches(IntVector probeRows, IntVector buildRows, int nextRow) implements AutoCloseable {
        public int pairCount() {
            return probeRows.getValueCount();
        }

        @Override
        public void close() {
            try (IntVector probe = probeRows; IntVector build = buildRows) {
                // closes both
            }
        }
    }

    /**
     * One aggregate operation of a {@link GroupBy}, with the state it keeps per group and the state
     * columns {@link GroupBy#state} returns.
     *
     * <ul>
     *   <li>{@code SUM_LONG}: one integral input, nulls skipped; state bigint, null until a non-null
     *       value came. With {@code ansi} an overflow throws {@link ArithmeticException}, else it wraps.</li>
     *   <li>{@code SUM_DOUBLE}: one integral or floating input, nulls skipped; state double, null until a
     *       non-null value came.</li>
     *   <li>{@code SUM_DECIMAL}: a decimal input of scale {@code scale} and optionally a second, boolean
     *       "is empty" input (Spark's decimal sum buffer): rows whose value is null are skipped, or, with the
     *       second input, rows that are empty; a non-empty row with a null value is an overflow. State:
     *       the sum as decimal(38, scale), null once it overflowed {@code precision} digits, and a boolean
     *       that is true once a value came.</li>
     *   <li>{@code COUNT}: any number of inputs; counts rows where every input is non-null (every row
     *       with no input). State bigint, never null.</li>
     *   <li>{@code MIN}, {@code MAX}: one input of {@code type}, nulls skipped; state of {@code type},
     *       null until a value came; Spark's ordering (NaN greatest, -0.0 equal to 0.0, the first of
     *       equal values kept).</li>
     *   <li>{@code FIRST}, {@code FIRST_IGNORE_NULLS}, {@code LAST}, {@code LAST_IGNORE_NULLS}: Spark's
     *       {@code First}/{@code Last}, whose result depends on row order, so rows are folded strictly in
     *       the order given (within a call, and call after call). State: the value, of {@code type}, and
     *       a boolean "value set" that is never null. With one input of {@code type} (raw values): a row
     *       counts unless it is null and the kind ignores nulls; {@code FIRST*} keeps the first counting
     *       row's value, {@code LAST*} the last one's, and "value set" is true once a row counted. With a
     *       second, boolean input (Spark's buffer: value, value set), the buffers merge in order as Spark
     *       merges them, whatever the kind's null handling: {@code FIRST*} takes a row's value and flag
     *       while its own flag is false; {@code LAST*} takes them from every row whose flag is true.</li>
     *   <li>{@code MOMENTS}: Spark's central moments of order 2 ({@code CentralMomentAgg}: stddev and
     *       variance). State: three doubles per group, never null, starting at 0.0: the count {@code n}, the
     *       mean {@code avg} and the sum of squared deviations {@code m2}. With one double input (raw
     *       values), rows with a null value are skipped and every other row is folded in order by Spark's
     *       update ({@code n' = n + 1; delta = x - avg; deltaN = delta / n'; avg' = avg + deltaN;
     *       m2' = m2 + delta * (delta - deltaN)}); with three double inputs (Spark's buffer: n, avg, m2),
     *       every row is merged in order by Spark's merge ({@code delta = avg2 - avg; deltaN = n + n2 == 0 ? 0
     *       : delta / (n + n2); avg' = avg + deltaN * n2; m2' = m2 + m2b + delta * deltaN * n * n2}), from
     *       the zero state too. Floating point is not associative: the same rows in the same order give
     *       Spark's bits.</li>
     * </ul>
     */
    record AggregateOperation(Kind kind, DataType type, int precision, int scale, boolean ansi)
            implements Serializable {
        public enum Kind {
            SUM_LONG, SUM_DOUBLE, SUM_DECIMAL, COUNT, MIN, MAX, FIRST, FIRST_IGNORE_NULLS, LAST, LAST_IGNORE_NULLS,
            MOMENTS;

            /** Whether the result depends on the order rows are added in ({@code FIRST*}, {@code LAST*}). */
            public boolean orderSensitive() {
                return this == FIRST || this == FIRST_IGNORE_NULLS || this == LAST || this == LAST_IGNORE_NULLS;
            }
        }
    }

    /**
     * A growing grouping: the distinct keys seen so far (null is a key value like any other) and the
     * state of each operation per group. With no key columns there is exactly one group, present
     * before any row is added.
     */
    interface GroupBy extends AutoCloseable {
        /**
         * Adds {@code rowCount} rows: {@code keys} has one vector per key type, {@code inputs} one list of
         * vectors per operation.
         */
        void add(List<FieldVector> keys, List<List<FieldVector>> inputs, int rowCount);

        int groupCount();

        /** Bytes held outside the allocator the grouping was created with (zero on a device). */
        long heapBytes();

        /** The distinct keys in group order; new vectors owned by the caller. */
        List<FieldVector> keys(BufferAllocator allocator);

        /** The state columns of operation {@code operation} in group order; new vectors owned by the caller. */
        List<FieldVector> state(int operation, BufferAllocator allocator);

        @Override
        void close();
    }

    /**
     * How this device runs {@code primitive}, for explain output: the kernels it launches, or the host
     * code that runs instead and why.
     */
    Implementation implementationOf(Primitive primitive);

    /** Releases the device's resources; the device is unusable afterwards. */
    @Override
    void close();
}
