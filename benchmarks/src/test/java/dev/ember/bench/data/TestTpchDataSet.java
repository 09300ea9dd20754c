package dev.ember.bench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class TestTpchDataSet {
  @Test
  void directoriesNameTheScaleWithoutTrailingZeros() {
    TpchDataSet data = new TpchDataSet("/cache", new BigDecimal("0.10"));
    assertEquals("0.1", data.scaleText());
    assertEquals("/cache/sf0.1/lineitem", data.tableDirectory("lineitem"));
    assertEquals("/cache/sf10", new TpchDataSet("/cache", new BigDecimal("1E+1")).scaleDirectory());
  }

  @Test
  void largeTablesAreSplitIntoPartsOfAtMostAQuarterMillionRows() {
    TpchDataSet one = new TpchDataSet("/cache", BigDecimal.ONE);
    assertEquals(24, one.partCount("lineitem"));
    assertEquals(6, one.partCount("orders"));
    assertEquals(1, one.partCount("supplier"));
    assertEquals(1, one.partCount("nation"));
    TpchDataSet tiny = new TpchDataSet("/cache", new BigDecimal("0.01"));
    assertEquals(1, tiny.partCount("lineitem"));
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> one.partCount("lineitems"));
    assertTrue(unknown.getMessage().contains("known:"), unknown.getMessage());
  }

  @Test
  void scaleMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new TpchDataSet("/cache", BigDecimal.ZERO));
  }
}
