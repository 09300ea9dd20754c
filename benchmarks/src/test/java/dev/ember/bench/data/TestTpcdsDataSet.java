package dev.ember.bench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trino.tpcds.Table;
import java.math.BigDecimal;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

class TestTpcdsDataSet {
  @Test
  void tablesLiveApartFromTpch() {
    TpcdsDataSet data = new TpcdsDataSet("/cache", new BigDecimal("0.010"));
    assertEquals("/cache/tpcds-sf0.01", data.scaleDirectory());
    assertEquals("/cache/tpcds-sf0.01/store_sales", data.tableDirectory("store_sales"));
    assertEquals(24, TpcdsDataSet.tableNames().size());
  }

  @Test
  void partsFollowTheGeneratorsRowCounts() {
    TpcdsDataSet tiny = new TpcdsDataSet("/cache", new BigDecimal("0.01"));
    assertEquals(1, tiny.partCount("store_sales")); // 10,000 tickets
    assertEquals(1, tiny.partCount("store_returns")); // its sales table's parts
    assertEquals(8, tiny.partCount("customer_demographics")); // fixed 1,920,800 rows
    assertEquals(1, tiny.partCount("call_center"));
    TpcdsDataSet one = new TpcdsDataSet("/cache", BigDecimal.ONE);
    assertEquals(12, one.partCount("store_sales")); // 240,000 tickets
    assertEquals(one.partCount("store_sales"), one.partCount("store_returns"));
    assertThrows(IllegalArgumentException.class, () -> one.partCount("lineitem"));
  }

  @Test
  void columnsCarryTpcdsTypes() {
    var schema = TpcdsColumns.schema(Table.STORE_SALES);
    assertEquals(DataTypes.IntegerType, schema.apply("ss_item_sk").dataType());
    assertEquals(DataTypes.IntegerType, schema.apply("ss_quantity").dataType());
    assertEquals(DataTypes.createDecimalType(7, 2), schema.apply("ss_sales_price").dataType());
    assertEquals(DataTypes.DateType, TpcdsColumns.schema(Table.DATE_DIM).apply("d_date").dataType());
    assertEquals(DataTypes.StringType, TpcdsColumns.schema(Table.ITEM).apply("i_category").dataType());
  }

  @Test
  void rowsParseTheGeneratorsText() {
    List<String> fields = new java.util.ArrayList<>(java.util.Collections.nCopies(Table.INCOME_BAND.getColumns().length, null));
    fields.set(0, "7");
    fields.set(1, "60001");
    Row row = TpcdsColumns.toRow(Table.INCOME_BAND, fields);
    assertEquals(7, row.getInt(0));
    assertEquals(60001, row.getInt(1));
    assertEquals(true, row.isNullAt(2));
    List<String> item = new java.util.ArrayList<>(java.util.Collections.nCopies(Table.ITEM.getColumns().length, null));
    item.set(Table.ITEM.getColumn("i_current_price").getPosition(), "27.02");
    item.set(Table.ITEM.getColumn("i_rec_start_date").getPosition(), "1997-10-27");
    Row itemRow = TpcdsColumns.toRow(Table.ITEM, item);
    assertEquals(new BigDecimal("27.02"), itemRow.get(Table.ITEM.getColumn("i_current_price").getPosition()));
    assertEquals(java.time.LocalDate.of(1997, 10, 27), itemRow.get(Table.ITEM.getColumn("i_rec_start_date").getPosition()));
    assertThrows(IllegalArgumentException.class, () -> TpcdsColumns.toRow(Table.INCOME_BAND, List.of("1")));
  }
}
