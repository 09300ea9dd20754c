package dev.ember.fuzz.data;

import dev.ember.fuzz.FuzzType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The tables one stretch of fuzzing queries, generated from a seed: {@code t0}, {@code t1}, ... Every
 * table starts with an INT key {@code k} (skewed, with nulls) and holds a few more columns
 * {@code c1}, {@code c2}, ...; across the set every {@link FuzzType} appears at least once when there
 * are at least four tables. Row counts include empty and single-row tables.
 *
 * <p>The same parameters always give the same tables, so a reproducer names the parameters, not the rows.
 *
 * @param parameters what the tables were generated from
 * @param tables the tables, {@code t0} first
 */
public record TableSet(TableParameters parameters, List<Table> tables) {
    public TableSet {
        tables = List.copyOf(tables);
    }

    /** Generates the tables of {@code parameters}, then applies its slices. */
    public static TableSet generate(TableParameters parameters) {
        Random random = new Random(parameters.seed());
        Values values = new Values(random);
        List<FuzzType> types = new ArrayList<>(Arrays.asList(FuzzType.values()));
        Collections.shuffle(types, random);
        List<List<Column>> columns = new ArrayList<>();
        for (int t = 0; t < parameters.count(); t++) {
            List<Column> tableColumns = new ArrayList<>();
            tableColumns.add(new Column("k", FuzzType.INT));
            columns.add(tableColumns);
        }
        // every type once, round robin, then one to three more of any type per table
        for (int i = 0; i < types.size(); i++) {
            List<Column> tableColumns = columns.get(i % parameters.count());
            tableColumns.add(new Column("c" + tableColumns.size(), types.get(i)));
        }
        List<Table> tables = new ArrayList<>();
        for (int t = 0; t < parameters.count(); t++) {
            List<Column> tableColumns = columns.get(t);
            for (int extra = 1 + random.nextInt(3); extra > 0; extra--) {
                FuzzType type = FuzzType.values()[random.nextInt(FuzzType.values().length)];
                tableColumns.add(new Column("c" + tableColumns.size(), type));
            }
            int rowCount = rowCount(random, parameters.maxRows());
            boolean extremes = random.nextInt(3) == 0;
            int nullEvery = 4 + random.nextInt(8);
            List<Row> rows = new ArrayList<>(rowCount);
            for (int r = 0; r < rowCount; r++) {
                Object[] row = new Object[tableColumns.size()];
                for (int c = 0; c < row.length; c++) {
                    row[c] = random.nextInt(nullEvery) == 0 ? null : values.value(tableColumns.get(c).type(), extremes);
                }
                rows.add(RowFactory.create(row));
            }
            int partitions = rowCount < 2 ? 1 : 1 + random.nextInt(3);
            tables.add(new Table("t" + t, tableColumns, rows, partitions, extremes));
        }
        List<Table> sliced = new ArrayList<>();
        for (Table table : tables) {
            TableParameters.Slice slice = parameters.slice(table.name());
            sliced.add(slice == null ? table : table.slice(Math.min(slice.from(), table.rows().size()),
                    Math.min(slice.to(), table.rows().size())));
        }
        return new TableSet(parameters, sliced);
    }

    /** The table called {@code name}. */
    public Table table(String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no table " + name));
    }

    private static int rowCount(Random random, int maxRows) {
        int choice = random.nextInt(10);
        if (choice == 0 || maxRows == 0) {
            return 0;
        }
        if (choice == 1 || maxRows == 1) {
            return 1;
        }
        return 2 + random.nextInt(maxRows - 1);
    }
}
