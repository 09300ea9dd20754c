package dev.ember.bench.jmh;

import dev.ember.bench.data.TpchDataSet;
import dev.ember.bench.query.TpchQueries;
import dev.ember.bench.run.BenchSessions;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Whole TPC-H queries in one local Spark session, Ember on (host device) or off: the driver for
 * profiling the host engine (add {@code -prof jfr}) and a quick before/after check of one query
 * without a full {@code ember bench} run. Scores are seconds per query (lower is better).
 *
 * <p>The data is the bench's own generator's Parquet, cached under {@code -Dember.data.dir} (default
 * {@code ~/.cache/ember/tpch}), generated on first use. Example (docs/benchmark.md):
 * {@code -Djmh.args="TpchQueryBench -p query=6,19 -p scale=0.1 -p ember=true"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
// the JVM options Spark itself uses on Java 17, as bin/ember passes them
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-XX:+IgnoreUnrecognizedVMOptions",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
        "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
        "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
        "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "-Djdk.reflect.useDirectMethodHandle=false", "-Dio.netty.tryReflectionSetAccessible=true"})
public class TpchQueryBench {
    @Param({"6"})
    public int query;

    @Param({"0.1"})
    public String scale;

    /** Ember on (host device) or Spark alone. */
    @Param({"true"})
    public boolean ember;

    /** {@code spark.ember.batchSizeRows} for the Ember run; empty keeps the default. */
    @Param({""})
    public String batchRows = "";

    private SparkSession spark;
    private String sql;

    @Setup(Level.Trial)
    public void setUp() {
        SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("tpch-jmh")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", Integer.toString(BenchSessions.localShufflePartitions()));
        if (ember) {
            builder.config("spark.plugins", BenchSessions.PLUGIN_CLASS)
                    .config("spark.ember.enabled", "true")
                    .config("spark.ember.device", "host")
                    .config("spark.ember.explain", "NONE");
            if (!batchRows.isEmpty()) {
                builder.config("spark.ember.batchSizeRows", batchRows);
            }
        }
        spark = builder.getOrCreate();
        String root = System.getProperty("ember.data.dir",
                Path.of(System.getProperty("user.home"), ".cache", "ember", "tpch").toString());
        TpchDataSet data = new TpchDataSet(root, new BigDecimal(scale));
        data.ensureGenerated(spark, System.err);
        data.registerViews(spark);
        sql = TpchQueries.query(query).sql();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        BenchSessions.stop(spark);
    }

    @Benchmark
    public void run(Blackhole sink) {
        sink.consume(spark.sql(sql).collectAsList());
    }
}
