package dev.ember.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestBenchOptions {
  private static BenchOptions parse(String... arguments) {
    return BenchOptions.parse(List.of(arguments), Map.of());
  }

  @Test
  void defaultsRunAllQueriesLocally() {
    BenchOptions options = parse();
    assertEquals(BenchOptions.DEFAULT_SCALE, options.scale());
    assertEquals(22, options.queries().size());
    assertEquals("auto", options.device());
    assertEquals("local[*]", options.master());
    assertTrue(options.isLocalMaster());
    assertTrue(options.output().startsWith(Path.of("work", "bench")));
  }

  @Test
  void parsesEveryOption() {
    BenchOptions options =
        parse("tpch", "--scale", "1", "--queries", "1,3,q5-7", "--iterations=5", "--warmups", "0",
            "--device", "HOST", "--master", "spark://127.0.0.1:7077", "--output", "/tmp/out",
            "--data-dir", "/tmp/data", "--conf", "spark.executor.memory=2g");
    assertEquals(new BigDecimal("1"), options.scale());
    assertEquals(List.of("q1", "q3", "q5", "q6", "q7"), options.queries());
    assertEquals(5, options.iterations());
    assertEquals(0, options.warmups());
    assertEquals("host", options.device());
    assertEquals("spark://127.0.0.1:7077", options.master());
    assertEquals(Path.of("/tmp/out"), options.output());
    assertEquals("/tmp/data", options.dataDirectory());
    assertEquals(Map.of("spark.executor.memory", "2g"), options.sparkConf());
  }

  @Test
  void tpcdsHasItsOwnDefaultsAndQueryNames() {
    BenchOptions options = parse("tpcds");
    assertEquals(Suite.TPCDS, options.suite());
    assertEquals(new BigDecimal("0.01"), options.scale());
    assertEquals(1, options.iterations());
    assertEquals(0, options.warmups());
    assertEquals(dev.ember.bench.query.TpcdsQueries.written(), options.queries());
    assertTrue(options.dataDirectory().endsWith("tpcds"), options.dataDirectory());
    // numbers, ranges and names; 14 stands for its a and b parts
    assertEquals(List.of("q3", "q4", "q5", "q6", "q36"), parse("tpcds", "--queries", "3-6,q36").queries());
    assertEquals(List.of("q14a", "q14b", "q23b"), parse("tpcds", "--queries", "14,23b").queries());
    assertEquals(List.of("q4"), parse("tpcds", "--queries", "4").queries());
    assertMessage("TPC-DS has queries 1 to 99", "tpcds", "--queries", "100");
  }

  @Test
  void dataDirectoryComesFromTheEnvironment() {
    BenchOptions options = BenchOptions.parse(List.of(), Map.of("EMBER_DATA_DIR", "/data/tpch"));
    assertEquals("/data/tpch", options.dataDirectory());
  }

  @Test
  void badInputSaysWhatToChange() {
    assertMessage("--scale must be positive", "--scale", "0");
    assertMessage("--scale needs a number", "--scale", "big");
    assertMessage("TPC-H has queries 1 to 22", "--queries", "23");
    assertMessage("--queries needs numbers", "--queries", "one");
    assertMessage("--device must be one of", "--device", "tpu");
    assertMessage("--iterations must be at least 1", "--iterations", "0");
    assertMessage("unknown option", "--fast");
    assertMessage("needs a value", "--scale");
    assertMessage("--conf needs KEY=VALUE", "--conf", "novalue");
    assertMessage("the benchmarks are 'tpch' and 'tpcds'", "tpcx");
    assertThrows(BenchOptions.HelpRequested.class, () -> parse("--help"));
  }

  private static void assertMessage(String expected, String... arguments) {
    UsageException error = assertThrows(UsageException.class, () -> parse(arguments));
    assertTrue(error.getMessage().contains(expected), error.getMessage());
  }
}
