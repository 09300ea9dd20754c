package dev.ember.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TestBenchMain {
  @Test
  void badInputExitsWithTwoAndHelpWithZero() {
    assertEquals(2, BenchMain.run(new String[] {"tpch", "--scale", "-1"}));
    assertEquals(2, BenchMain.run(new String[] {"tpcx"}));
    assertEquals(0, BenchMain.run(new String[] {"--help"}));
  }
}
