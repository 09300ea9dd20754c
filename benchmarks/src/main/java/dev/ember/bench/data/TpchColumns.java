package dev.ember.bench.data;

import static java.util.Objects.requireNonNull;

import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark schema of a TPC-H table and the conversion of one generated entity to a Spark {@link Row}.
 *
 * <p>Types follow the TPC-H specification: keys are {@code bigint}, integers {@code int}, text
 * {@code string}, dates {@code date}, and every money, quantity, discount and tax column is
 * {@code decimal(15,2)}. Decimal values are built from the generator's exact integer form (a count
 * of hundredths), never from its {@code double} form, so no binary rounding enters the data.
 *
 * <p>Stateless; safe to use from any thread.
 */
public final class TpchColumns {
  /** Precision of the TPC-H decimal columns. */
  public static final int DECIMAL_PRECISION = 15;
  /** Scale of the TPC-H decimal columns. */
  public static final int DECIMAL_SCALE = 2;

  private TpchColumns() {}

  /** Returns the Spark schema of {@code table}, columns in TPC-H order with their TPC-H names. */
  public static StructType schema(TpchTable<?> table) {
    requireNonNull(table, "table is null");
    List<StructField> fields = new ArrayList<>();
    for (TpchColumn<?> column : table.getColumns()) {
      fields.add(DataTypes.createStructField(column.getColumnName(), sparkType(column), false));
    }
    return DataTypes.createStructType(fields);
  }

  /** Returns the Spark type that {@code column} is written as. */
  public static DataType sparkType(TpchColumn<?> column) {
    requireNonNull(column, "column is null");
    switch (column.getType().getBase()) {
      case IDENTIFIER:
        return DataTypes.LongType;
      case INTEGER:
        return DataTypes.IntegerType;
      case DATE:
        return DataTypes.DateType;
      case DOUBLE:
        return DataTypes.createDecimalType(DECIMAL_PRECISION, DECIMAL_SCALE);
      case VARCHAR:
        return DataTypes.StringType;
    }
    throw new IllegalArgumentException("unknown TPC-H column type " + column.getType().getBase());
  }

  /** Converts one generated entity of {@code table} to a row in {@link #schema(TpchTable)} order. */
  public static <E extends TpchEntity> Row toRow(TpchTable<E> table, E entity) {
    requireNonNull(table, "table is null");
    requireNonNull(entity, "entity is null");
    List<TpchColumn<E>> columns = table.getColumns();
    Object[] values = new Object[columns.size()];
    for (int index = 0; index < values.length; index++) {
      values[index] = value(columns.get(index), entity);
    }
    return RowFactory.create(values);
  }

  private static <E extends TpchEntity> Object value(TpchColumn<E> column, E entity) {
    switch (column.getType().getBase()) {
      case IDENTIFIER:
        return column.getIdentifier(entity);
      case INTEGER:
        return column.getInteger(entity);
      case DATE:
        return LocalDate.ofEpochDay(column.getDate(entity));
      case DOUBLE:
        return decimal(column, entity);
      case VARCHAR:
        return column.getString(entity);
    }
    throw new IllegalArgumentException("unknown TPC-H column type " + column.getType().getBase());
  }

  /**
   * The generator keeps every decimal column as an exact integer count of hundredths (quantities
   * too); its identifier accessor returns that integer.
   */
  private static <E extends TpchEntity> BigDecimal decimal(TpchColumn<E> column, E entity) {
    return BigDecimal.valueOf(column.getIdentifier(entity), DECIMAL_SCALE);
  }
}
