package dev.ember.config;

import static dev.ember.config.ConfigEntry.Scope.SESSION;
import static dev.ember.config.ConfigEntry.Scope.STARTUP;
import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.internal.SQLConf;

/**
 * Every Ember setting, declared once, and a snapshot of their values.
 *
 * <p>A snapshot reads session settings from the session's {@link SQLConf} (so {@code spark.conf.set}
 * applies to the next query) and falls back to the SparkConf for startup ones. Per-operator and
 * per-expression switches ({@code spark.ember.exec.<Name>.enabled},
 * {@code spark.ember.expression.<Name>.enabled}) are declared by the support catalog.
 */
public final class EmberConf {

    public static final String PREFIX = "spark.ember.";

    public static final ConfigEntry<Boolean> ENABLED = ConfigEntry.booleanEntry(PREFIX + "enabled", true, SESSION,
            "Turns Ember on or off for the session's next queries. With false every query runs in Spark alone.");

    public static final ConfigEntry<String> EXPLAIN = ConfigEntry.choiceEntry(PREFIX + "explain", "NOT_ON_GPU",
            List.of("NOT_ON_GPU", "ALL", "NONE"), SESSION,
            "What the driver log says about each planned query: NOT_ON_GPU logs one line per plan node that stays"
                    + " in Spark, with the reason; ALL also logs the nodes Ember runs and on which device; NONE"
                    + " logs nothing.");

    public static final ConfigEntry<String> MODE = ConfigEntry.choiceEntry(PREFIX + "mode", "execute",
            List.of("execute", "explainOnly"), SESSION,
            "execute runs supported operators on Ember; explainOnly plans and explains (see spark.ember.explain)"
                    + " but executes everything in Spark, to see what Ember would do without changing anything.");

    public static final ConfigEntry<String> DEVICE = ConfigEntry.choiceEntry(PREFIX + "device", "auto",
            List.of("auto", "cuda", "host", "emulator"), STARTUP,
            "Where Ember's operators run. auto picks CUDA when JCuda loads, cuInit succeeds, a device exists and"
                    + " the driver is new enough, logging why; without a usable GPU it leaves queries to Spark"
                    + " (see spark.ember.device.autoWithoutGpu). cuda requires a GPU and fails"
                    + " the executor when there is none. host runs Ember's operators as Java code on the CPU."
                    + " emulator runs the CUDA path on Ember's CPU emulation of the CUDA driver (for tests).");

    public static final ConfigEntry<String> AUTO_WITHOUT_GPU = ConfigEntry.choiceEntry(PREFIX
            + "device.autoWithoutGpu", "spark", List.of("spark", "host"), SESSION,
            "What spark.ember.device=auto does when it finds no usable GPU. spark leaves every query to Spark and"
                    + " says so once in the driver log: Ember's host engine is measured faster than Spark on every"
                    + " TPC-H query at scale 1, but not yet on every suite and scale (docs/benchmark.md), and auto"
                    + " must never slow a query down. host"
                    + " runs Ember's operators on the CPU anyway, as spark.ember.device=host does.");

    public static final ConfigEntry<Integer> BATCH_SIZE_ROWS = ConfigEntry.intEntry(PREFIX + "batchSizeRows",
            1 << 18, 1, Integer.MAX_VALUE - 8, SESSION,
            "The most rows in one Ember batch. Smaller input batches are coalesced up to this size.");

    public static final ConfigEntry<Long> BATCH_SIZE_BYTES = ConfigEntry.longEntry(PREFIX + "batchSizeBytes",
            128L << 20, 1L << 10, Integer.MAX_VALUE, SESSION,
            "The target size of one Ember batch in bytes (accepts k, m, g suffixes). Smaller input batches are"
                    + " coalesced up to this size; a single wider row still makes a batch of its own.");

    public static final ConfigEntry<Double> GPU_ALLOC_FRACTION = ConfigEntry.doubleEntry(
            PREFIX + "memory.gpu.allocFraction", 0.9, 0.01, 1.0, STARTUP,
            "The share of the GPU memory free at executor start that Ember may allocate as unified memory."
                    + " Ember never allocates more than this; an allocation beyond it fails the task with an error"
                    + " naming this setting.");

    public static final ConfigEntry<Boolean> GPU_MEMORY_CACHING = ConfigEntry.booleanEntry(
            PREFIX + "memory.gpu.caching", true, STARTUP,
            "Keeps the unified memory of freed Arrow buffers in per-size free lists and reuses it, instead of one"
                    + " cuMemAllocManaged and one cuMemFree (each synchronizing the GPU) per buffer. Cached memory"
                    + " counts against spark.ember.memory.gpu.allocFraction and is given back to the driver when a"
                    + " new allocation would otherwise pass it. false calls the driver for every buffer.");

    public static final ConfigEntry<Double> UNIFIED_MEMORY_CPU_SHARE = ConfigEntry.doubleEntry(
            PREFIX + "memory.unified.cpuShare", 0.3, 0.0, 0.95, STARTUP,
            "On a GPU that shares one coherent memory with the CPU (GB10 in DGX Spark, Grace Hopper: detected from"
                    + " the device's attributes), the share of that memory Ember leaves to the CPU side (JVM heaps,"
                    + " Spark's off-heap memory, the OS): Ember's managed-memory pool is at most"
                    + " spark.ember.memory.gpu.allocFraction of the free memory and never more than (1 - cpuShare) of"
                    + " the total. Not read for discrete GPUs. With several executors on one such machine each takes"
                    + " its share of what is free when it starts.");

    public static final ConfigEntry<Integer> CUDA_DEVICE_ORDINAL = ConfigEntry.intEntry(
            PREFIX + "cuda.deviceOrdinal", 0, 0, 1023, STARTUP,
            "The CUDA device ordinal an executor opens when Spark assigns it no GPU (no"
                    + " spark.executor.resource.gpu.amount); when Spark does, the first assigned GPU address chooses"
                    + " the device (an address listed in CUDA_VISIBLE_DEVICES is its position in that list, any other"
                    + " is an ordinal) and this setting is not read. Ordinals count the devices the executor's process"
                    + " sees (CUDA_VISIBLE_DEVICES renumbers them from 0). An ordinal the driver does not report fails"
                    + " under spark.ember.device=cuda and falls back to the host, saying why, under auto.");

    public static final ConfigEntry<Integer> CONCURRENT_GPU_TASKS = ConfigEntry.intEntry(
            PREFIX + "concurrentGpuTasks", 2, 1, 1024, STARTUP,
            "How many tasks of one executor may run Ember operators on the GPU at the same time.");

    public static final ConfigEntry<Long> HOST_MEMORY_LIMIT = ConfigEntry.longEntry(
            PREFIX + "memory.host.limitBytes", 0L, 0L, Long.MAX_VALUE, STARTUP,
            "The most off-heap memory Ember's Arrow buffers may hold per executor on the host device (accepts k,"
                    + " m, g suffixes); 0 means Spark's spark.memory.offHeap.size when off-heap memory is enabled,"
                    + " else a quarter of the JVM's maximum heap.");

    public static final ConfigEntry<Long> HOST_SPILL_BYTES = ConfigEntry.longEntry(
            PREFIX + "memory.spill.hostBytes", -1L, -1L, Long.MAX_VALUE, STARTUP,
            "On a discrete GPU, the most host memory per executor that keeps what Ember's operators spill to free"
                    + " GPU memory, before spills go to disk in spark.local.dir (device, then host, then disk;"
                    + " accepts k, m, g suffixes). When it is full, the oldest spills nobody reads move to disk."
                    + " -1 (the default) means 1 GiB or a quarter of the JVM's maximum heap, whichever is smaller, on"
                    + " a discrete GPU, and 0 on the host device and on a GPU that shares one coherent memory with the"
                    + " CPU (GB10), whose memory is host memory already. 0 sends every spill straight to disk.");

    public static final ConfigEntry<Boolean> REPLACE_SORT_MERGE_JOIN = ConfigEntry.booleanEntry(
            PREFIX + "replaceSortMergeJoin", true, SESSION,
            "Runs Spark's sort-merge joins as Ember shuffled hash joins (the sort below each side is dropped). Each"
                    + " task then holds its partition of the build side in memory; set false to leave sort-merge"
                    + " joins to Spark.");

    public static final ConfigEntry<Boolean> JOIN_SPILL_ENABLED = ConfigEntry.booleanEntry(
            PREFIX + "join.spill.enabled", true, SESSION,
            "Lets a shuffled hash join whose build side would exceed Ember's memory limit split both sides by key"
                    + " hash into parts spilled to Spark's local directories and join them part by part (a grace"
                    + " hash join). With false such a task fails with an error naming"
                    + " spark.ember.memory.host.limitBytes.");

    public static final ConfigEntry<Integer> JOIN_SPILL_PARTITIONS = ConfigEntry.intEntry(
            PREFIX + "join.spill.partitions", 16, 2, 1024, SESSION,
            "How many parts a spilling join splits its sides into; a part still too large is split again into"
                    + " as many.");

    public static final ConfigEntry<Integer> JOIN_SPILL_MAX_DEPTH = ConfigEntry.intEntry(
            PREFIX + "join.spill.maxDepth", 3, 0, 16, SESSION,
            "How many times a spilled join part whose build side is still too large is split again (with another"
                    + " hash seed). A part still too large after that, such as one holding a single hot key, is"
                    + " joined in memory if it fits, else the task fails naming spark.ember.memory.host.limitBytes.");

    public static final ConfigEntry<Boolean> AGGREGATE_SPILL_ENABLED = ConfigEntry.booleanEntry(
            PREFIX + "aggregate.spill.enabled", true, SESSION,
            "Lets a hash aggregation whose groups would exceed Ember's memory limit write its partial groups,"
                    + " split by key hash, to Spark's local directories and merge them part by part at the end."
                    + " With false such a task fails with an error naming spark.ember.memory.host.limitBytes.");

    public static final ConfigEntry<Integer> AGGREGATE_SPILL_PARTITIONS = ConfigEntry.intEntry(
            PREFIX + "aggregate.spill.partitions", 16, 2, 1024, SESSION,
            "How many parts a spilling aggregation splits its groups into; a part whose merge is still too large"
                    + " is split again into as many.");

    public static final ConfigEntry<Integer> AGGREGATE_SPILL_MAX_DEPTH = ConfigEntry.intEntry(
            PREFIX + "aggregate.spill.maxDepth", 3, 0, 16, SESSION,
            "How many times a spilled aggregation part whose groups still do not fit is split again (with another"
                    + " hash seed); a part still too large after that fails the task naming"
                    + " spark.ember.memory.host.limitBytes.");

    public static final ConfigEntry<Boolean> SORT_SPILL_ENABLED = ConfigEntry.booleanEntry(
            PREFIX + "sort.spill.enabled", true, SESSION,
            "Lets a sort whose partition would exceed Ember's memory limit write sorted runs to Spark's local"
                    + " directories and merge them (an external sort). With false such a task fails with an error"
                    + " naming spark.ember.memory.host.limitBytes.");

    public static final ConfigEntry<Integer> SORT_SPILL_MERGE_WIDTH = ConfigEntry.intEntry(
            PREFIX + "sort.spill.mergeWidth", 16, 2, 1024, SESSION,
            "How many sorted runs an external sort merges at once; with more runs, the first ones are merged into"
                    + " one run first, as often as needed.");

    public static final ConfigEntry<Boolean> TEST_STRICT = ConfigEntry.booleanEntry(PREFIX + "test.strict", false,
            SESSION,
            "For Ember's own tests: true makes an unexpected exception while Ember plans a query (an Ember bug)"
                    + " fail the query instead of leaving the node in Spark. With false (for applications) the node"
                    + " stays in Spark and its fallback reason says it is an Ember bug to report.");

    public static final ConfigEntry<OomInjection> TEST_INJECT_OOM = ConfigEntry.entry(PREFIX + "test.injectOom",
            "every:<n>, random:<seed> or empty", OomInjection.OFF, STARTUP,
            "For Ember's own tests: refuses some of each task's memory requests as if"
                    + " spark.ember.memory.host.limitBytes were exhausted, to test how operators behave under memory"
                    + " pressure. every:<n> refuses a task's n-th, 2n-th, 3n-th... request; random:<seed> refuses"
                    + " about 1 in 100, chosen from the seed, the task attempt and the request's number. A refused"
                    + " request makes the memory manager ask spillable operators to spill, like a real shortfall,"
                    + " and is retried once normally when that freed memory; when nothing could be spilled, the task"
                    + " fails with the error naming spark.ember.memory.host.limitBytes. Empty (the default) refuses"
                    + " nothing; never set it in applications.",
            OomInjection::parse);

    /** Every declared entry, in the order the docs list them. */
    public static final List<ConfigEntry<?>> ENTRIES = List.of(ENABLED, EXPLAIN, MODE, DEVICE, AUTO_WITHOUT_GPU,
            BATCH_SIZE_ROWS,
            BATCH_SIZE_BYTES, GPU_ALLOC_FRACTION, GPU_MEMORY_CACHING, UNIFIED_MEMORY_CPU_SHARE, CUDA_DEVICE_ORDINAL, CONCURRENT_GPU_TASKS,
            HOST_MEMORY_LIMIT, HOST_SPILL_BYTES, REPLACE_SORT_MERGE_JOIN, JOIN_SPILL_ENABLED, JOIN_SPILL_PARTITIONS, JOIN_SPILL_MAX_DEPTH,
            AGGREGATE_SPILL_ENABLED, AGGREGATE_SPILL_PARTITIONS, AGGREGATE_SPILL_MAX_DEPTH, SORT_SPILL_ENABLED,
            SORT_SPILL_MERGE_WIDTH, TEST_STRICT, TEST_INJECT_OOM);

    private final Function<String, Optional<String>> lookup;

    private EmberConf(Function<String, Optional<String>> lookup) {
        this.lookup = requireNonNull(lookup, "lookup is null");
    }

    /** The settings a query is planned with: the session's SQL conf. */
    public static EmberConf of(SQLConf sqlConf) {
        requireNonNull(sqlConf, "sqlConf is null");
        return new EmberConf(key -> {
            String value = sqlConf.getConfString(key, null);
            return Optional.ofNullable(value);
        });
    }

    /** The settings an application starts with. */
    public static EmberConf of(SparkConf sparkConf) {
        requireNonNull(sparkConf, "sparkConf is null");
        return new EmberConf(key -> sparkConf.contains(key) ? Optional.of(sparkConf.get(key)) : Optional.empty());
    }

    /** Settings from a plain lookup, for tests and tools. */
    public static EmberConf of(Function<String, Optional<String>> lookup) {
        return new EmberConf(lookup);
    }

    /**
     * The value of a declared entry.
     *
     * @throws InvalidConfigException when the setting cannot be parsed
     */
    public <T> T get(ConfigEntry<T> entry) {
        return entry.parse(lookup.apply(entry.key()));
    }

    /** A boolean switch that is not declared here, such as an operator's enable key. */
    public boolean isEnabled(String key, boolean defaultValue) {
        return ConfigEntry.booleanEntry(key, defaultValue, SESSION, "").parse(lookup.apply(key));
    }

    /**
     * Parses every declared entry, so that a bad value is reported before any work starts.
     *
     * @throws InvalidConfigException for the first bad setting
     */
    public void validate() {
        for (ConfigEntry<?> entry : ENTRIES) {
            get(entry);
        }
    }
}
