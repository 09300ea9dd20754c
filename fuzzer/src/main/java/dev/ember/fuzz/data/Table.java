package dev.ember.fuzz.data;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A generated table: its columns, rows and how many partitions it is spread over.
 *
 * @param name the temporary view's name
 * @param columns the columns; the first is always the skewed join and grouping key {@code k}
 * @param rows the rows, in the order they are split into partitions
 * @param partitions partitions of the registered data frame, at least 1
 * @param extremes whether integral and decimal values include their type's minimum and maximum
 */
public record Table(String name, List<Column> columns, List<Row> rows, int partitions, boolean extremes) {
    public Table {
        requireNonNull(name, "name is null");
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
    }

    public StructType schema() {
        StructField[] fields = new StructField[columns.size()];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = DataTypes.createStructField(columns.get(i).name(), columns.get(i).type().sparkType(), true);
        }
        return DataTypes.createStructType(fields);
    }

    /** The same table holding only rows {@code [from, to)}. */
    public Table slice(int from, int to) {
        return new Table(name, columns, rows.subList(from, to), partitions, extremes);
    }

    /** One line for a reproducer: name, row count, partitions and the columns with their types. */
    public String describe() {
        StringBuilder text = new StringBuilder(name).append(" (").append(rows.size()).append(" rows, ")
                .append(partitions).append(partitions == 1 ? " partition" : " partitions")
                .append(extremes ? ", extremes" : "").append("):");
        for (Column column : columns) {
            text.append(' ').append(column.name()).append(' ').append(column.type().sql()).append(',');
        }
        text.setLength(text.length() - 1);
        return text.toString();
    }
}
