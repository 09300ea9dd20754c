package dev.ember.bench.data;

import static java.util.Objects.requireNonNull;

import io.trino.tpcds.Table;
import io.trino.tpcds.column.Column;
import io.trino.tpcds.column.ColumnType;
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
 * The Spark schema of a TPC-DS table and the conversion of one generated row (the generator's text
 * fields) to a Spark {@link Row}.
 *
 * <p>Types follow the TPC-DS specification: identifiers (surrogate keys, ticket and order numbers) and
 * integers are {@code int}, {@code decimal(p,s)} stays {@code decimal(p,s)}, dates are {@code date},
 * {@code char(n)} and {@code varchar(n)} are {@code string}. Every column may be null, as the generator
 * leaves some of them empty. Decimals are parsed from the generator's exact text, never through a
 * {@code double}.
 *
 * <p>Stateless; safe to use from any thread.
 */
public final class TpcdsColumns {
  private TpcdsColumns() {}

  /** The Spark schema of {@code table}, columns in TPC-DS order with their TPC-DS names. */
  public static StructType schema(Table table) {
    requireNonNull(table, "table is null");
    List<StructField> fields = new ArrayList<>();
    for (Column column : table.getColumns()) {
      fields.add(DataTypes.createStructField(column.getName(), sparkType(column), true));
    }
    return DataTypes.createStructType(fields);
  }

  /** The Spark type {@code column} is written as. */
  public static DataType sparkType(Column column) {
    requireNonNull(column, "column is null");
    ColumnType type = column.getType();
    return switch (type.getBase()) {
      case IDENTIFIER, INTEGER -> DataTypes.IntegerType;
      case DECIMAL -> DataTypes.createDecimalType(type.getPrecision().orElseThrow(), type.getScale().orElseThrow());
      case DATE -> DataTypes.DateType;
      case CHAR, VARCHAR -> DataTypes.StringType;
      case TIME -> throw new IllegalArgumentException(
          "column " + column.getName() + " has the TIME type, which no benchmark table uses");
    };
  }

  /** Converts the generator's fields of one row of {@code table} (null for an empty field). */
  public static Row toRow(Table table, List<String> fields) {
    requireNonNull(table, "table is null");
    requireNonNull(fields, "fields is null");
    Column[] columns = table.getColumns();
    if (fields.size() != columns.length) {
      throw new IllegalArgumentException(
          table.getName() + " has " + columns.length + " columns, the generator gave " + fields.size());
    }
    Object[] values = new Object[columns.length];
    for (int index = 0; index < values.length; index++) {
      values[index] = value(columns[index], fields.get(index));
    }
    return RowFactory.create(values);
  }

  private static Object value(Column column, String text) {
    if (text == null) {
      return null;
    }
    ColumnType type = column.getType();
    return switch (type.getBase()) {
      // Math.toIntExact: a key beyond int (a scale far above any this benchmark runs) fails loudly
      case IDENTIFIER, INTEGER -> Math.toIntExact(Long.parseLong(text));
      case DECIMAL -> new BigDecimal(text).setScale(type.getScale().orElseThrow());
      case DATE -> LocalDate.parse(text);
      case CHAR, VARCHAR -> text;
      case TIME -> throw new IllegalArgumentException("column " + column.getName() + " has the TIME type");
    };
  }
}
