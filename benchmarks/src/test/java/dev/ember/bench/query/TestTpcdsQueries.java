package dev.ember.bench.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class TestTpcdsQueries {
  @Test
  void theSpecificationHas103QueriesWithTheirParts() {
    List<String> names = TpcdsQueries.specificationNames();
    assertEquals(103, names.size());
    assertEquals(List.of("q14a", "q14b"), TpcdsQueries.namesOf(14));
    assertTrue(names.containsAll(List.of("q1", "q23b", "q39a", "q99")));
  }

  @Test
  void writtenAndMissingSplitTheSpecification() {
    List<String> all = new ArrayList<>(TpcdsQueries.written());
    all.addAll(TpcdsQueries.missing());
    all.sort(java.util.Comparator.comparing(TpcdsQueries.specificationNames()::indexOf));
    assertEquals(TpcdsQueries.specificationNames(), all);
    // all 103 (99 queries, four of them in an a and a b part) are written
    assertEquals(103, TpcdsQueries.written().size());
    assertEquals(List.of(), TpcdsQueries.missing());
  }

  @Test
  void textsAreOneStatementWithoutCommentsOrSemicolon() {
    for (String name : TpcdsQueries.written()) {
      String sql = TpcdsQueries.query(name).sql();
      String lower = sql.toLowerCase(Locale.ROOT);
      assertTrue(lower.startsWith("select") || lower.startsWith("with"), name + ": " + sql);
      assertFalse(sql.endsWith(";"), name);
      assertFalse(sql.contains("\n--"), name);
    }
  }

  @Test
  void aNameOutsideTheSpecificationIsRefused() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> TpcdsQueries.query("q14"));
    assertTrue(error.getMessage().contains("q14a"), error.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TpcdsQueries.query("q100"));
    assertThrows(IllegalArgumentException.class, () -> new TpcdsQuery("q100", "select 1"));
  }
}
