package dev.ember.testkit;

import org.apache.spark.sql.SparkSession;

/**
 * The one Spark session of a test JVM: {@code local[2]}, bound to 127.0.0.1, with Ember's plugin
 * loaded and {@code spark.ember.test.strict=true}. Ember is switched on and off per query through
 * {@code spark.ember.enabled}.
 *
 * <p>The device comes from the system property {@code ember.test.device} (default {@code host}), so the
 * same SQL tests run on the host device and on the CUDA emulator. The system property
 * {@code ember.test.hostLimitBytes} (default 0: Ember's default) sets
 * {@code spark.ember.memory.host.limitBytes}, for tests that run in their own JVM with a tiny limit. The
 * system property {@code ember.test.injectOom} (default empty: off) sets {@code spark.ember.test.injectOom},
 * for the fault-injection runs ({@link #injectsOom()}); {@code ember.test.batchSizeRows} (default: Ember's)
 * sets {@code spark.ember.batchSizeRows}, so that small test tables still arrive in several batches;
 * {@code ember.test.forklessLocalFs=true} writes local files through {@link ForklessLocalFileSystem} (the
 * aarch64 run under qemu-user).
 */
public final class SharedSpark {
    private static SparkSession session;

    private SharedSpark() {}

    /** Runs {@code body} with session settings changed, restoring the previous values afterwards. */
    public static <T> T withConf(java.util.Map<String, String> settings, java.util.function.Supplier<T> body) {
        SparkSession spark = session();
        java.util.Map<String, String> previous = new java.util.HashMap<>();
        for (String key : settings.keySet()) {
            previous.put(key, spark.conf().contains(key) ? spark.conf().get(key) : null);
        }
        settings.forEach((key, value) -> spark.conf().set(key, value));
        try {
            return body.get();
        } finally {
            previous.forEach((key, value) -> {
                if (value == null) {
                    spark.conf().unset(key);
                } else {
                    spark.conf().set(key, value);
                }
            });
        }
    }

    /**
     * Whether the session refuses memory requests on purpose ({@code spark.ember.test.injectOom}): a query
     * may then fail with Ember's memory error instead of answering.
     */
    public static boolean injectsOom() {
        return !injectedOom().isBlank();
    }

    private static String injectedOom() {
        return System.getProperty("ember.test.injectOom", "");
    }

    public static synchronized SparkSession session() {
        if (session == null) {
            String device = System.getProperty("ember.test.device", "host");
            SparkSession.Builder builder = SparkSession.builder()
                    .master("local[2]")
                    .appName("ember-tests")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.sql.adaptive.enabled", "true")
                    .config("spark.plugins", "dev.ember.EmberPlugin")
                    .config("spark.ember.device", device)
                    .config("spark.ember.explain", "ALL")
                    // an Ember bug while planning fails the test instead of hiding as a fallback
                    .config("spark.ember.test.strict", "true")
                    .config("spark.ember.memory.host.limitBytes", System.getProperty("ember.test.hostLimitBytes", "0"))
                    .config("spark.ember.memory.spill.hostBytes", System.getProperty("ember.test.hostSpillBytes", "-1"))
                    .config("spark.ember.test.injectOom", injectedOom());
            String batchSizeRows = System.getProperty("ember.test.batchSizeRows");
            if (batchSizeRows != null) {
                builder.config("spark.ember.batchSizeRows", batchSizeRows);
            }
            if (Boolean.getBoolean("ember.test.forklessLocalFs")) {
                builder.config("spark.hadoop.fs.file.impl", ForklessLocalFileSystem.class.getName());
            }
            session = builder.getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop, "stop-test-spark"));
        }
        return session;
    }
}
