package dev.ember.bench.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.bench.BenchMain;
import dev.ember.device.Primitive;
import dev.ember.kernels.EmulatorLibrary;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/ember bench kernels} end to end: on the CUDA driver emulator (in a JVM of its own, as
 * {@code bin/ember} runs it, because the emulator binds JCuda for the JVM's lifetime) every primitive's
 * kernel result equals the host's and {@code kernels.json} holds the run; on the host device in this JVM the
 * same; a bad command line is refused with the usage; a differing result is reported with its first
 * difference.
 */
class TestKernelBench {

  private record Run(int exitCode, String output) {}

  @Test
  void onTheEmulatorEveryPrimitiveMatchesTheHost(@TempDir Path output) throws Exception {
    assumeTrue(EmulatorLibrary.isPackaged(),
        "the CUDA driver emulator was not built (no g++ at build time): bench kernels --device emulator skipped");
    long seed = Long.getLong("ember.test.seed", System.nanoTime());
    Run run = benchInOwnJvm("kernels", "--device", "emulator", "--rows", "4096", "--iterations", "1", "--seed",
        Long.toString(seed), "--output", output.toString());
    String text = run.output();
    assertEquals(0, run.exitCode(), "seed " + seed + ":\n" + text);
    assertTrue(text.contains("emulator: the timings measure Ember's CUDA driver emulator"), text);
    assertTrue(text.contains("peak memory bandwidth: peak unknown"), text);
    assertTableRowsOk(text);

    JsonNode json = new ObjectMapper().readTree(Files.readString(output.resolve("kernels.json")));
    assertEquals("emulator", json.get("device").asText());
    assertEquals("Ember CUDA emulator", json.get("device_name").asText());
    assertEquals("9.0", json.get("compute_capability").asText());
    assertTrue(json.get("peak_gb_per_s").isNull(), "the emulator reports no memory clock: " + json);
    assertEquals(4096, json.get("rows").asInt());
    assertEquals(1, json.get("iterations").asInt());
    assertEquals(seed, json.get("seed").asLong());
    assertFalse(json.get("machine").asText().isBlank());
    assertPrimitives(json);
  }

  @Test
  void theDefaultCudaDeviceRunsOrSaysWhatToDoInstead() throws Exception {
    Run run = benchInOwnJvm("kernels", "--rows", "4096", "--iterations", "1");
    String text = run.output();
    if (run.exitCode() == 0) {
      // a machine with a GPU: its kernels ran and matched the host
      assertTableRowsOk(text);
    } else {
      assertEquals(1, run.exitCode(), text);
      assertTrue(text.contains("ember bench kernels: no CUDA device: "), text);
      assertTrue(text.contains("Run with --device emulator to check the kernels' correctness on the CPU, or --device"
          + " host"), text);
    }
  }

  @Test
  void onTheHostDeviceEveryPrimitiveMatches(@TempDir Path output) throws Exception {
    Run run = benchHere("--device", "host", "--rows", "3000", "--iterations", "2", "--seed", "11", "--output",
        output.toString());
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("peak memory bandwidth: peak unknown (the host device reports none)"),
        run.output());
    assertTableRowsOk(run.output());
    JsonNode json = new ObjectMapper().readTree(Files.readString(output.resolve("kernels.json")));
    assertEquals("host", json.get("device").asText());
    assertTrue(json.get("compute_capability").isNull(), json.toString());
    assertTrue(json.get("peak_gb_per_s").isNull(), json.toString());
    assertEquals(11, json.get("seed").asLong());
    assertPrimitives(json);
  }

  @Test
  void aBadOptionIsRefusedWithTheUsage() {
    Run rows = benchHere("--rows", "0");
    assertEquals(2, rows.exitCode(), rows.output());
    assertTrue(rows.output().contains("ember bench kernels: --rows must be at least 1, got 0"), rows.output());
    assertTrue(rows.output().contains("usage: bin/ember bench kernels"), rows.output());

    Run device = benchHere("--device", "tpu");
    assertEquals(2, device.exitCode(), device.output());
    assertTrue(device.output().contains("--device must be one of cuda|emulator|host, got 'tpu'"), device.output());
    assertTrue(device.output().contains("usage: bin/ember bench kernels"), device.output());

    Run iterations = benchHere("--iterations", "many");
    assertEquals(2, iterations.exitCode(), iterations.output());
    assertTrue(iterations.output().contains("--iterations needs a whole number"), iterations.output());
  }

  @Test
  void theEmulatorDefaultsToSmallInputsAndTheOthersToLargeOnes() {
    assertEquals(KernelBenchOptions.DEFAULT_EMULATOR_ROWS,
        KernelBenchOptions.parse(List.of("--device", "emulator"), 1).rows());
    KernelBenchOptions cuda = KernelBenchOptions.parse(List.of(), 1);
    assertEquals(KernelBenchOptions.DeviceKind.CUDA, cuda.device());
    assertEquals(1 << 24, cuda.rows());
    assertEquals(123, KernelBenchOptions.parse(List.of("--device=host", "--rows=123"), 1).rows());
  }

  @Test
  void aDifferingResultNamesItsFirstDifference() {
    try (RootAllocator allocator = new RootAllocator();
        KernelOutput expected = KernelOutput.of("positions", List.of(ints(allocator, 1, 2, 3)));
        KernelOutput actual = KernelOutput.of("positions", List.of(ints(allocator, 1, 5, 3)))) {
      Optional<String> difference = actual.firstDifferenceFrom(expected, "selectTrue of 3 rows");
      assertTrue(difference.isPresent());
      assertTrue(difference.get().contains("row 1: expected <2> but got <5>"), difference.get());
      assertEquals(Optional.empty(), expected.firstDifferenceFrom(expected, "itself"));
      // 24 MB in 1 ms: 24 GB/s, 2.4% of a 1,000 GB/s peak
      KernelResult result = new KernelResult("selectTrue", 3, 1.0, 24_000_000, OptionalDouble.of(1e12), difference,
          0);
      assertTrue(result.check().startsWith("MISMATCH: selectTrue of 3 rows"), result.check());
      assertEquals(24, result.gigabytesPerSecond(), 1e-9);
      assertEquals(2.4, result.percentOfPeak().getAsDouble(), 1e-9);
    }
  }

  private static IntVector ints(RootAllocator allocator, int... values) {
    IntVector vector = new IntVector("positions", allocator);
    vector.allocateNew(values.length);
    for (int i = 0; i < values.length; i++) {
      vector.set(i, values[i]);
    }
    vector.setValueCount(values.length);
    return vector;
  }

  /** Every primitive has one line in the table, and its check is {@code ok}. */
  private static void assertTableRowsOk(String text) {
    for (Primitive primitive : KernelCases.PRIMITIVES) {
      List<String> lines = text.lines().filter(line -> line.startsWith(primitive.methodName() + " ")).toList();
      assertEquals(1, lines.size(), primitive.methodName() + " has one table row:\n" + text);
      assertTrue(lines.get(0).endsWith("  ok"), lines.get(0) + "\n" + text);
    }
  }

  private static void assertPrimitives(JsonNode json) {
    Set<String> names = new HashSet<>();
    for (JsonNode entry : json.get("primitives")) {
      String name = entry.get("name").asText();
      names.add(name);
      assertEquals("ok", entry.get("check").asText(), entry.toString());
      assertTrue(entry.get("median_ms").asDouble() > 0, entry.toString());
      // every primitive reads its inputs, so the estimate can never be zero
      assertTrue(entry.get("bytes").asLong() > 0, entry.toString());
      assertTrue(entry.get("gb_per_s").asDouble() > 0, entry.toString());
      assertTrue(entry.has("percent_of_peak"), entry.toString());
    }
    assertEquals(KernelCases.PRIMITIVES.stream().map(Primitive::methodName).collect(Collectors.toSet()),
        names);
  }

  private static Run benchHere(String... arguments) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      int exitCode = KernelBench.run(List.of(arguments), stream, stream);
      String text = bytes.toString(StandardCharsets.UTF_8);
      System.out.println(text);
      return new Run(exitCode, text);
    }
  }

  private static Run benchInOwnJvm(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-XX:+IgnoreUnrecognizedVMOptions", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        BenchMain.class.getName()));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(Map.of("SPARK_LOCAL_IP", "127.0.0.1"));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "ember bench kernels did not finish");
    System.out.println(output);
    return new Run(process.exitValue(), output);
  }
}
