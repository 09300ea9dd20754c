package dev.ember.fuzz.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.fuzz.FuzzType;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestTableSet {
    @Test
    void sameParametersGiveTheSameTables() {
        TableParameters parameters = new TableParameters(7, 4, 30);
        assertEquals(TableSet.generate(parameters).tables(), TableSet.generate(parameters).tables());
    }

    @Test
    void everyTypeAppearsAndEveryTableHasTheKey() {
        for (long seed = 0; seed < 20; seed++) {
            TableSet set = TableSet.generate(new TableParameters(seed, 4, 30));
            Set<FuzzType> types = EnumSet.noneOf(FuzzType.class);
            for (Table table : set.tables()) {
                assertEquals(new Column("k", FuzzType.INT), table.columns().get(0));
                table.columns().forEach(c -> types.add(c.type()));
                assertTrue(table.rows().size() <= 30, table::describe);
            }
            assertEquals(EnumSet.allOf(FuzzType.class), types, "seed " + seed);
        }
    }

    @Test
    void emptyAndSingleRowTablesOccur() {
        boolean empty = false;
        boolean single = false;
        for (long seed = 0; seed < 30; seed++) {
            for (Table table : TableSet.generate(new TableParameters(seed, 4, 30)).tables()) {
                empty |= table.rows().isEmpty();
                single |= table.rows().size() == 1;
            }
        }
        assertTrue(empty && single, "empty " + empty + ", single " + single);
    }

    @Test
    void slicesKeepARangeOfRows() {
        TableParameters whole = new TableParameters(3, 2, 30);
        Table full = TableSet.generate(whole).table("t0");
        TableParameters sliced = whole.withSlice("t0", 1, 3);
        Table part = TableSet.generate(sliced).table("t0");
        assertEquals(full.rows().subList(1, Math.min(3, full.rows().size())), part.rows());
        assertEquals(TableSet.generate(whole).table("t1"), TableSet.generate(sliced).table("t1"));
    }

    @Test
    void parametersReadBackWhatTheyWrite() {
        TableParameters parameters = new TableParameters(-5, 3, 12).withSlice("t2", 4, 9).withSlice("t0", 0, 1);
        assertEquals("seed=-5 tables=3 maxRows=12 t0=0..1 t2=4..9", parameters.toString());
        assertEquals(parameters, TableParameters.parse(parameters.toString()));
        assertThrows(IllegalArgumentException.class, () -> TableParameters.parse("seed=1 tables=x"));
    }
}
