package dev.ember.bench.data;

import static java.util.Objects.requireNonNull;

import io.trino.tpcds.Scaling;
import io.trino.tpcds.Table;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The 24 TPC-DS tables of one scale factor, stored as Parquet under
 * {@code <dataDir>/tpcds-sf<scale>/<table>} (the prefix keeps them apart from TPC-H's {@code customer}
 * when both share a root) and generated on demand with the {@code io.trino.tpcds} generator, a port of
 * dsdgen ({@link GeneratedDataSet}).
 *
 * <p>The generator's scaling is its own below scale 1: dimension tables such as
 * {@code customer_demographics} (1,920,800 rows), {@code date_dim} and {@code time_dim} have a fixed
 * size, and the fact tables do not shrink linearly.
 */
public final class TpcdsDataSet extends GeneratedDataSet {
  /** Bumped whenever the schema or the value mapping changes, so old caches are regenerated. */
  public static final int FORMAT_VERSION = 1;

  /** Generator rows per part: fact tables count orders (tickets), each of several line rows. */
  private static final long ORDERS_PER_PART = 20_000;
  private static final long ROWS_PER_PART = 250_000;

  /**
   * @param dataDirectory the cache root (a path or a Hadoop URI); the tables go in {@code tpcds-sf<scale>}
   * @param scale the TPC-DS scale factor, positive
   */
  public TpcdsDataSet(String dataDirectory, BigDecimal scale) {
    super(dataDirectory, scale, "tpcds-");
  }

  /** The 24 tables of the specification, the fact tables first. */
  public static List<String> tableNames() {
    return List.of(
        "store_sales", "store_returns", "catalog_sales", "catalog_returns", "web_sales", "web_returns", "inventory",
        "customer_demographics", "date_dim", "time_dim", "customer", "customer_address", "household_demographics",
        "item", "catalog_page", "call_center", "income_band", "promotion", "reason", "ship_mode", "store",
        "warehouse", "web_page", "web_site");
  }

  @Override
  public List<String> tables() {
    return tableNames();
  }

  @Override
  public int partCount(String table) {
    requireNonNull(table, "table is null");
    if (!tableNames().contains(table)) {
      throw new IllegalArgumentException("unknown TPC-DS table '" + table + "'; known: " + tableNames());
    }
    Table generated = Table.getTable(table);
    if (generated.isSmall()) {
      return 1;
    }
    // a returns table is generated along with its sales table, in the sales table's chunks
    Table driving = generated.isChild() ? generated.getParent() : generated;
    long rows = new Scaling(scale().doubleValue()).getRowCount(driving);
    long perPart = driving.hasChild() ? ORDERS_PER_PART : ROWS_PER_PART;
    return (int) Math.max(1, Math.min(10_000, (rows + perPart - 1) / perPart));
  }

  @Override
  protected int formatVersion() {
    return FORMAT_VERSION;
  }

  @Override
  protected StructType schema(String table) {
    return TpcdsColumns.schema(Table.getTable(table));
  }

  @Override
  protected FlatMapFunction<Iterator<Integer>, Row> partRows(String table, int parts) {
    return new TpcdsPartRows(table, scale().doubleValue(), parts);
  }

  @Override
  protected String benchmarkName() {
    return "TPC-DS";
  }
}
