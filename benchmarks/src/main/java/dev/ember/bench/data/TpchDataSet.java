package dev.ember.bench.data;

import static java.util.Objects.requireNonNull;

import io.trino.tpch.TpchTable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The eight TPC-H tables of one scale factor, stored as Parquet under {@code <dataDir>/sf<scale>/<table>}
 * and generated on demand.
 *
 * <p>Generation runs inside Spark tasks, one partition per generator part, so it uses every core of
 * the cluster. A table counts as present only when its completion marker ({@value #MARKER}) exists
 * and names the same table, scale and {@link #FORMAT_VERSION}; a table whose writing was interrupted
 * has no marker and is generated again. The directory may be any Hadoop file system URI the driver
 * and every executor can reach (a local path for {@code local[*]}, a shared path on a cluster).
 *
 * <p>Not thread-safe: call from the driver thread only.
 */
public final class TpchDataSet {
  /** Name of the file written into a table directory once the table is complete. */
  public static final String MARKER = "_EMBER_COMPLETE";
  /** Bumped whenever the schema or the value mapping changes, so old caches are regenerated. */
  public static final int FORMAT_VERSION = 2;

  /** Rows each generator part produces at most (one Spark task, one Parquet file). */
  private static final long ROWS_PER_PART = 250_000;
  /** Approximate rows at scale factor 1, per table; only used to choose the part count. */
  private static final Map<String, Long> ROWS_AT_SCALE_ONE =
      Map.of(
          "lineitem", 6_000_000L,
          "orders", 1_500_000L,
          "partsupp", 800_000L,
          "part", 200_000L,
          "customer", 150_000L,
          "supplier", 10_000L,
          "nation", 25L,
          "region", 5L);

  private final String dataDirectory;
  private final BigDecimal scale;

  /**
   * @param dataDirectory the cache root (a path or a Hadoop URI); the tables go in {@code sf<scale>}
   * @param scale the TPC-H scale factor, positive
   */
  public TpchDataSet(String dataDirectory, BigDecimal scale) {
    this.dataDirectory = requireNonNull(dataDirectory, "dataDirectory is null");
    requireNonNull(scale, "scale is null");
    if (scale.signum() <= 0) {
      throw new IllegalArgumentException("scale must be positive, got " + scale.toPlainString());
    }
    this.scale = scale;
  }

  /** The names of the eight tables, in generation order (largest first). */
  public static List<String> tableNames() {
    return List.of("lineitem", "orders", "partsupp", "part", "customer", "supplier", "nation", "region");
  }

  /** The scale factor as it appears in directory names: {@code 0.01}, {@code 1}, {@code 10}. */
  public String scaleText() {
    return scale.stripTrailingZeros().toPlainString();
  }

  /** The directory that holds all tables of this scale factor. */
  public String scaleDirectory() {
    return new Path(dataDirectory, "sf" + scaleText()).toString();
  }

  /** The Parquet directory of {@code table}. */
  public String tableDirectory(String table) {
    return new Path(scaleDirectory(), table).toString();
  }

  /** How many generator parts (Spark partitions, Parquet files) {@code table} is written as. */
  public int partCount(String table) {
    Long rows = ROWS_AT_SCALE_ONE.get(table);
    if (rows == null) {
      throw new IllegalArgumentException("unknown TPC-H table '" + table + "'; known: " + tableNames());
    }
    if (rows < 1_000) {
      return 1; // nation and region do not scale
    }
    double expected = rows * scale.doubleValue();
    return (int) Math.max(1, Math.ceil(expected / ROWS_PER_PART));
  }

  /**
   * Generates every table that is missing or incomplete, printing one progress line per table to
   * {@code progress}. Tables already present are reused.
   */
  public void ensureGenerated(SparkSession spark, PrintStream progress) {
    requireNonNull(spark, "spark is null");
    requireNonNull(progress, "progress is null");
    for (String table : tableNames()) {
      if (isComplete(spark, table)) {
        continue;
      }
      int parts = partCount(table);
      progress.printf(
          Locale.ROOT, "ember bench: generating %s at scale %s (%d part%s)...%n",
          table, scaleText(), parts, parts == 1 ? "" : "s");
      long start = System.nanoTime();
      long rows = generate(spark, table, parts);
      progress.printf(
          Locale.ROOT, "ember bench:   %s: %,d rows in %.1f s -> %s%n",
          table, rows, (System.nanoTime() - start) / 1e9, tableDirectory(table));
    }
  }

  /** Registers a temporary view per table, named after the table, reading its Parquet directory. */
  public void registerViews(SparkSession spark) {
    requireNonNull(spark, "spark is null");
    for (String table : tableNames()) {
      if (!isComplete(spark, table)) {
        throw new IllegalStateException(
            "TPC-H table " + table + " at scale " + scaleText() + " is missing or incomplete in "
                + tableDirectory(table) + "; call ensureGenerated first");
      }
      spark.read().parquet(tableDirectory(table)).createOrReplaceTempView(table);
    }
  }

  /** Whether {@code table} has been written completely for this scale and format. */
  public boolean isComplete(SparkSession spark, String table) {
    Path marker = new Path(tableDirectory(table), MARKER);
    try {
      FileSystem fileSystem = marker.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fileSystem.exists(marker)) {
        return false;
      }
      try (FSDataInputStream in = fileSystem.open(marker)) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return text.startsWith(markerHeader(table));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the marker " + marker, e);
    }
  }

  private long generate(SparkSession spark, String table, int parts) {
    List<Integer> partNumbers = new ArrayList<>();
    IntStream.rangeClosed(1, parts).forEach(partNumbers::add);
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Row> rows =
        context
            .parallelize(partNumbers, parts)
            .mapPartitions(new TpchPartRows(table, scale.doubleValue(), parts));
    spark.sparkContext().setJobDescription("ember bench: generate " + table + " sf" + scaleText());
    try {
      spark
          .createDataFrame(rows, TpchColumns.schema(TpchTable.getTable(table)))
          .write()
          .mode(SaveMode.Overwrite)
          .parquet(tableDirectory(table));
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
    long count = spark.read().parquet(tableDirectory(table)).count();
    writeMarker(spark, table, count);
    return count;
  }

  private void writeMarker(SparkSession spark, String table, long rows) {
    Path marker = new Path(tableDirectory(table), MARKER);
    try {
      FileSystem fileSystem = marker.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (FSDataOutputStream out = fileSystem.create(marker, true)) {
        out.write((markerHeader(table) + "rows=" + rows + "\n").getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the marker " + marker, e);
    }
  }

  private String markerHeader(String table) {
    return "table=" + table + "\nscale=" + scaleText() + "\nformat=" + FORMAT_VERSION + "\n";
  }
}
