package dev.ember.bench.data;

import static java.util.Objects.requireNonNull;

import io.trino.tpch.TpchTable;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The eight TPC-H tables of one scale factor, stored as Parquet under {@code <dataDir>/sf<scale>/<table>}
 * and generated on demand with the {@code io.trino.tpch} generator ({@link GeneratedDataSet}).
 */
public final class TpchDataSet extends GeneratedDataSet {
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

  /**
   * @param dataDirectory the cache root (a path or a Hadoop URI); the tables go in {@code sf<scale>}
   * @param scale the TPC-H scale factor, positive
   */
  public TpchDataSet(String dataDirectory, BigDecimal scale) {
    super(dataDirectory, scale, "");
  }

  /** The names of the eight tables, in generation order (largest first). */
  public static List<String> tableNames() {
    return List.of("lineitem", "orders", "partsupp", "part", "customer", "supplier", "nation", "region");
  }

  @Override
  public List<String> tables() {
    return tableNames();
  }

  @Override
  public int partCount(String table) {
    Long rows = ROWS_AT_SCALE_ONE.get(requireNonNull(table, "table is null"));
    if (rows == null) {
      throw new IllegalArgumentException("unknown TPC-H table '" + table + "'; known: " + tableNames());
    }
    if (rows < 1_000) {
      return 1; // nation and region do not scale
    }
    double expected = rows * scale().doubleValue();
    return (int) Math.max(1, Math.ceil(expected / ROWS_PER_PART));
  }

  @Override
  protected int formatVersion() {
    return FORMAT_VERSION;
  }

  @Override
  protected StructType schema(String table) {
    return TpchColumns.schema(TpchTable.getTable(table));
  }

  @Override
  protected FlatMapFunction<Iterator<Integer>, Row> partRows(String table, int parts) {
    return new TpchPartRows(table, scale().doubleValue(), parts);
  }

  @Override
  protected String benchmarkName() {
    return "TPC-H";
  }
}
