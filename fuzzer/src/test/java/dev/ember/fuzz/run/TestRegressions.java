package dev.ember.fuzz.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ember.fuzz.data.TableParameters;
import dev.ember.fuzz.generate.Shape;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestRegressions {
    @Test
    void aReproducerReadsBackAsTheSameCase() {
        FuzzCase fuzzCase = new FuzzCase(new TableParameters(9, 3, 10).withSlice("t1", 0, 2), "fuzz seed 1, query 2",
                "SELECT a0.k AS o0 FROM t1 AS a0\nORDER BY o0 ASC NULLS FIRST", true, Set.of(Shape.ORDER_LIMIT));
        String text = fuzzCase.reproducer("DIFFERENT_ANSWER: row 0 differs") + "\n\n" + fuzzCase.reproducer("again");
        List<Regressions.Entry> entries = Regressions.parse(text);
        assertEquals(2, entries.size());
        assertEquals(fuzzCase, entries.get(0).fuzzCase());
        assertEquals("DIFFERENT_ANSWER: row 0 differs", entries.get(0).notes().get("difference"));
    }

    @Test
    void anEntryNeedsTablesAndAnEnd() {
        assertThrows(IllegalArgumentException.class, () -> Regressions.parse("-- ordered: true\nSELECT 1;"));
        assertThrows(IllegalArgumentException.class, () -> Regressions.parse("-- tables: seed=1 tables=1 maxRows=1\nSELECT 1"));
    }

    @Test
    void anErrorsLineListsTheErrorsEitherRunMayEndWith() {
        String text = "-- errors: a.B[X] | a.C[Y.Z]\n-- tables: seed=1 tables=1 maxRows=1\nSELECT 1;\n\n"
                + "-- tables: seed=1 tables=1 maxRows=1\nSELECT 2;";
        List<Regressions.Entry> entries = Regressions.parse(text);
        assertEquals(Set.of("a.B[X]", "a.C[Y.Z]"), entries.get(0).eitherError());
        assertEquals(Set.of(), entries.get(1).eitherError());
    }

    @Test
    void theBundledEntriesParse() {
        List<Regressions.Entry> entries = Regressions.bundled();
        assertFalse(entries.isEmpty(), "the checked-in regressions are empty");
    }
}
