package dev.ember.bench.data;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The tables of one benchmark at one scale factor, stored as Parquet under
 * {@code <dataDir>/<prefix>sf<scale>/<table>} and generated on demand inside Spark tasks, one
 * partition per generator part, so generation uses every core of the cluster.
 *
 * <p>A table counts as present only when its completion marker ({@value #MARKER}) exists and names the
 * same table, scale and {@link #formatVersion()}; a table whose writing was interrupted has no marker
 * and is generated again. The directory may be any Hadoop file system URI the driver and every
 * executor can reach.
 *
 * <p>Not thread-safe: call from the driver thread only.
 */
public abstract class GeneratedDataSet {
  /** Name of the file written into a table directory once the table is complete. */
  public static final String MARKER = "_EMBER_COMPLETE";

  private final String dataDirectory;
  private final BigDecimal scale;
  private final String directoryPrefix;

  /**
   * @param dataDirectory the cache root (a path or a Hadoop URI)
   * @param scale the scale factor, positive
   * @param directoryPrefix put before {@code sf<scale>}, so two benchmarks can share a root
   */
  protected GeneratedDataSet(String dataDirectory, BigDecimal scale, String directoryPrefix) {
    this.dataDirectory = requireNonNull(dataDirectory, "dataDirectory is null");
    requireNonNull(scale, "scale is null");
    if (scale.signum() <= 0) {
      throw new IllegalArgumentException("scale must be positive, got " + scale.toPlainString());
    }
    this.scale = scale;
    this.directoryPrefix = requireNonNull(directoryPrefix, "directoryPrefix is null");
  }

  /** The benchmark's tables, in generation order. */
  public abstract List<String> tables();

  /** How many generator parts (Spark partitions, Parquet files) {@code table} is written as. */
  public abstract int partCount(String table);

  /** Bumped whenever the schema or the value mapping changes, so old caches are regenerated. */
  protected abstract int formatVersion();

  /** The Spark schema {@code table} is written with. */
  protected abstract StructType schema(String table);

  /**
   * The task body that turns 1-based part numbers in {@code [1, parts]} into the rows of those parts;
   * serializable, capturing nothing of its caller.
   */
  protected abstract FlatMapFunction<java.util.Iterator<Integer>, Row> partRows(String table, int parts);

  /** A one-word name of the benchmark for progress lines and errors ({@code TPC-H}). */
  protected abstract String benchmarkName();

  /** The scale factor. */
  public final BigDecimal scale() {
    return scale;
  }

  /** The scale factor as it appears in directory names: {@code 0.01}, {@code 1}, {@code 10}. */
  public final String scaleText() {
    return scale.stripTrailingZeros().toPlainString();
  }

  /** The directory that holds all tables of this scale factor. */
  public final String scaleDirectory() {
    return new Path(dataDirectory, directoryPrefix + "sf" + scaleText()).toString();
  }

  /** The Parquet directory of {@code table}. */
  public final String tableDirectory(String table) {
    return new Path(scaleDirectory(), table).toString();
  }

  /**
   * Generates every table that is missing or incomplete, printing one progress line per table to
   * {@code progress}. Tables already present are reused.
   */
  public final void ensureGenerated(SparkSession spark, PrintStream progress) {
    requireNonNull(spark, "spark is null");
    requireNonNull(progress, "progress is null");
    for (String table : tables()) {
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
  public final void registerViews(SparkSession spark) {
    requireNonNull(spark, "spark is null");
    for (String table : tables()) {
      if (!isComplete(spark, table)) {
        throw new IllegalStateException(
            benchmarkName() + " table " + table + " at scale " + scaleText() + " is missing or incomplete in "
                + tableDirectory(table) + "; call ensureGenerated first");
      }
      spark.read().parquet(tableDirectory(table)).createOrReplaceTempView(table);
    }
  }

  /** Whether {@code table} has been written completely for this scale and format. */
  public final boolean isComplete(SparkSession spark, String table) {
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
    JavaRDD<Row> rows = context.parallelize(partNumbers, parts).mapPartitions(partRows(table, parts));
    spark.sparkContext().setJobDescription("ember bench: generate " + table + " sf" + scaleText());
    try {
      spark.createDataFrame(rows, schema(table)).write().mode(SaveMode.Overwrite).parquet(tableDirectory(table));
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
    return "table=" + table + "\nscale=" + scaleText() + "\nformat=" + formatVersion() + "\n";
  }
}
