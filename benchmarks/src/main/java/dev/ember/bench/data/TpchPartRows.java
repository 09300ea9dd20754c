package dev.ember.bench.data;

import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.util.Iterator;
import org.apache.spark.sql.Row;

/** The TPC-H generator's task body: part {@code k} of {@code n} is the generator's part {@code k} of {@code n}. */
public final class TpchPartRows extends PartRows {
  private static final long serialVersionUID = 1L;

  /**
   * @param tableName a TPC-H table name as {@link TpchTable#getTableName()} spells it
   * @param scaleFactor the TPC-H scale factor, positive
   * @param partCount how many parts the table is split into, positive
   */
  public TpchPartRows(String tableName, double scaleFactor, int partCount) {
    super(tableName, scaleFactor, partCount);
    TpchTable.getTable(tableName); // fails early, on the driver, for an unknown name
  }

  @Override
  Iterator<Row> rowsOf(int part) {
    return rows(TpchTable.getTable(tableName()), part);
  }

  private <E extends TpchEntity> Iterator<Row> rows(TpchTable<E> table, int part) {
    return mapped(table.createGenerator(scaleFactor(), part, partCount()).iterator(),
        entity -> TpchColumns.toRow(table, entity));
  }
}
