package dev.ember.bench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Iterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The schema and the row conversion agree with the generator's own values, for every table. */
class TestTpchColumns {
  private static final int ROWS_CHECKED = 200;

  @Test
  void schemaFollowsTheSpecification() {
    StructType lineitem = TpchColumns.schema(TpchTable.LINE_ITEM);
    assertEquals(16, lineitem.fields().length);
    assertEquals(DataTypes.LongType, lineitem.apply("l_orderkey").dataType());
    assertEquals(DataTypes.IntegerType, lineitem.apply("l_linenumber").dataType());
    assertEquals(DataTypes.createDecimalType(15, 2), lineitem.apply("l_quantity").dataType());
    assertEquals(DataTypes.createDecimalType(15, 2), lineitem.apply("l_extendedprice").dataType());
    assertEquals(DataTypes.DateType, lineitem.apply("l_shipdate").dataType());
    assertEquals(DataTypes.StringType, lineitem.apply("l_comment").dataType());
  }

  @Test
  void everyValueMatchesTheGenerator() {
    for (TpchTable<?> table : TpchTable.getTables()) {
      checkTable(table);
    }
  }

  private static <E extends TpchEntity> void checkTable(TpchTable<E> table) {
    Iterator<E> entities = table.createGenerator(0.01, 1, 1).iterator();
    for (int rowIndex = 0; rowIndex < ROWS_CHECKED && entities.hasNext(); rowIndex++) {
      E entity = entities.next();
      Row row = TpchColumns.toRow(table, entity);
      for (int column = 0; column < table.getColumns().size(); column++) {
        checkValue(table.getColumns().get(column), entity, row.get(column));
      }
    }
  }

  private static <E extends TpchEntity> void checkValue(TpchColumn<E> column, E entity, Object value) {
    String where = column.getColumnName();
    switch (column.getType().getBase()) {
      case IDENTIFIER -> assertEquals(column.getIdentifier(entity), value, where);
      case INTEGER -> assertEquals(column.getInteger(entity), value, where);
      case VARCHAR -> assertEquals(column.getString(entity), value, where);
      case DATE -> assertEquals(LocalDate.ofEpochDay(column.getDate(entity)), value, where);
      case DOUBLE -> {
        BigDecimal decimal = assertInstanceOf(BigDecimal.class, value, where);
        assertEquals(2, decimal.scale(), where);
        assertEquals(BigDecimal.valueOf(column.getDouble(entity)).setScale(2), decimal, where);
      }
    }
  }
}
