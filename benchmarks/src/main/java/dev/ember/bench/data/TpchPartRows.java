package dev.ember.bench.data;

import static java.util.Objects.requireNonNull;

import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.util.Iterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * The Spark task body of the data generator: turns the generator part numbers of one partition into
 * the rows of those parts.
 *
 * <p>Each input element is a 1-based part number in {@code [1, partCount]}; the rows are produced
 * lazily, one entity at a time, so a task never holds a whole part in memory. The function holds
 * only the table name and two numbers, so it serializes to executors without capturing its caller.
 */
public final class TpchPartRows implements FlatMapFunction<Iterator<Integer>, Row> {
  private static final long serialVersionUID = 1L;

  private final String tableName;
  private final double scaleFactor;
  private final int partCount;

  /**
   * @param tableName a TPC-H table name as {@link TpchTable#getTableName()} spells it
   * @param scaleFactor the TPC-H scale factor, positive
   * @param partCount how many parts the table is split into, positive
   */
  public TpchPartRows(String tableName, double scaleFactor, int partCount) {
    this.tableName = requireNonNull(tableName, "tableName is null");
    if (!(scaleFactor > 0)) {
      throw new IllegalArgumentException("scaleFactor must be positive, got " + scaleFactor);
    }
    if (partCount < 1) {
      throw new IllegalArgumentException("partCount must be at least 1, got " + partCount);
    }
    TpchTable.getTable(tableName); // fails early, on the driver, for an unknown name
    this.scaleFactor = scaleFactor;
    this.partCount = partCount;
  }

  @Override
  public Iterator<Row> call(Iterator<Integer> parts) {
    return new PartsIterator<>(TpchTable.getTable(tableName), scaleFactor, partCount, parts);
  }

  /** Chains the generators of several parts into one row iterator. */
  private static final class PartsIterator<E extends TpchEntity> implements Iterator<Row> {
    private final TpchTable<E> table;
    private final double scaleFactor;
    private final int partCount;
    private final Iterator<Integer> parts;
    private Iterator<E> current;

    PartsIterator(TpchTable<E> table, double scaleFactor, int partCount, Iterator<Integer> parts) {
      this.table = table;
      this.scaleFactor = scaleFactor;
      this.partCount = partCount;
      this.parts = parts;
    }

    @Override
    public boolean hasNext() {
      while (current == null || !current.hasNext()) {
        if (!parts.hasNext()) {
          return false;
        }
        int part = parts.next();
        if (part < 1 || part > partCount) {
          throw new IllegalStateException(
              "part " + part + " is outside [1, " + partCount + "] for table " + table.getTableName());
        }
        current = table.createGenerator(scaleFactor, part, partCount).iterator();
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException("no more rows of " + table.getTableName());
      }
      return TpchColumns.toRow(table, current.next());
    }
  }
}
