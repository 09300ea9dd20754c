package dev.ember.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TestDeviceProbe {
  @Test
  void aMultiLineDescriptionKeepsItsFirstAndLastLine() {
    assertEquals("host (spark.ember.device=host)", DeviceProbe.oneLine("host (spark.ember.device=host)\n"));
    assertEquals(
        "host (auto chose the host: cannot load ... is libcuda.so.1 installed?)",
        DeviceProbe.oneLine("host (auto chose the host: cannot load\nstack line\n  is libcuda.so.1 installed?)"));
  }
}
