package dev.ember.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ember.device.conformance.ConformanceSuite;
import dev.ember.kernels.EmulatorLibrary;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ember doctor} end to end, each run in a JVM of its own as {@code bin/ember doctor} runs it (the
 * emulator binds JCuda for a JVM's lifetime): on the CUDA driver emulator the conformance suite runs and
 * every check passes; against the NVIDIA driver on a machine without one it says so, what {@code auto}
 * does instead, and exits non-zero.
 */
class TestDoctor {

    private static final Pattern SUMMARY = Pattern.compile("(\\d+) passed, (\\d+) failed");

    private record Run(int exitCode, List<String> lines) {
        String text() {
            return String.join("\n", lines);
        }

        String lastLine() {
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    @Test
    void onTheEmulatorEveryConformanceCheckPasses() throws Exception {
        assumeTrue(EmulatorLibrary.isPackaged(),
                "the CUDA driver emulator was not built (no g++ at build time): doctor --device emulator skipped");
        long seed = Long.getLong("ember.test.seed", System.nanoTime());
        Run run = doctor(Map.of(), "--device", "emulator", "--seed", Long.toString(seed));
        Matcher summary = SUMMARY.matcher(run.lastLine());
        assertTrue(summary.matches(), "the report ends with the summary line:\n" + run.text());
        assertEquals(ConformanceSuite.checks().size(), Integer.parseInt(summary.group(1)), run.text());
        assertEquals(0, Integer.parseInt(summary.group(2)), "seed " + seed + ":\n" + run.text());
        assertEquals(0, run.exitCode(), run.text());
        String text = run.text();
        assertTrue(text.contains("driver: CUDA 13.0 (cuDriverGetVersion 13000)"), text);
        assertTrue(text.contains("0: Ember CUDA emulator, compute capability 9.0 (sm_90)"), text);
        assertTrue(text.contains("memory: discrete"), text);
        assertTrue(text.contains("kernels: load (PTX"), text);
        assertTrue(text.contains("spark.ember.device=auto: never picks the emulator"), text);
        assertTrue(text.contains("GPU path: usable"), text);
    }

    @Test
    void onACoherentUnifiedDeviceLikeGb10ItMakesNoPrefetchAndLeavesTheCpuItsShare() throws Exception {
        assumeTrue(EmulatorLibrary.isPackaged(),
                "the CUDA driver emulator was not built (no g++ at build time): doctor --device emulator skipped");
        long seed = Long.getLong("ember.test.seed", System.nanoTime());
        // the emulator reports GB10's memory attributes and compute capability
        Run run = doctor(Map.of("EMBER_EMULATOR_COHERENT_UNIFIED", "1", "EMBER_EMULATOR_COMPUTE_CAPABILITY", "12.1"),
                "--device", "emulator", "--seed", Long.toString(seed));
        String text = run.text();
        Matcher summary = SUMMARY.matcher(run.lastLine());
        assertTrue(summary.matches(), "the report ends with the summary line:\n" + text);
        assertEquals(0, Integer.parseInt(summary.group(2)), "seed " + seed + ":\n" + text);
        assertEquals(0, run.exitCode(), text);
        assertTrue(text.contains("compute capability 12.1 (sm_121)"), text);
        assertTrue(text.contains("memory: coherent unified"), text);
        assertTrue(text.contains("at most (1 - spark.ember.memory.unified.cpuShare=0.3) of the total"), text);
        assertTrue(text.contains("managed memory: 0 prefetches during the suite (coherent unified)"), text);
    }

    @Test
    void withoutAUsableGpuItSaysWhatAutoDoesAndFails() throws Exception {
        assumeTrue(EmulatorLibrary.isPackaged(), "the CUDA driver emulator was not built: no emulator to stand in");
        // The emulator reporting no device stands in for a machine without a GPU, whatever this machine has.
        Run run = doctor(Map.of("EMBER_EMULATOR_DEVICE_COUNT", "0"), "--device", "emulator");
        String text = run.text();
        assertEquals(1, run.exitCode(), text);
        assertTrue(text.contains("devices: 0"), text);
        assertTrue(text.contains("spark.ember.device=auto: would choose the host: the driver reports no CUDA device"),
                text);
        assertTrue(text.contains("Ember leaves every query to Spark"), text);
        assertTrue(text.contains("GPU path: NOT usable"), text);
        assertEquals("0 passed, 0 failed", run.lastLine(), text);
    }

    @Test
    void theNvidiaDriverPathReportsThisMachine() throws Exception {
        Run run = doctor(Map.of(), "--device", "cuda", "--seed", "7");
        String text = run.text();
        Matcher summary = SUMMARY.matcher(run.lastLine());
        assertTrue(summary.matches(), "the report ends with the summary line:\n" + text);
        if (run.exitCode() == 0) {
            // a machine with a usable GPU: the suite ran there and passed
            assertTrue(text.contains("GPU path: usable"), text);
            assertEquals(0, Integer.parseInt(summary.group(2)), text);
        } else {
            assertEquals(1, run.exitCode(), text);
            assertTrue(text.contains("GPU path: NOT usable"), text);
            // no usable GPU (auto takes the host), or a GPU whose kernels answer differently
            assertTrue(text.contains("spark.ember.device=auto: would choose the host")
                    || Integer.parseInt(summary.group(2)) > 0, text);
        }
    }

    @Test
    void aBadCommandLineIsRefusedWithTheUsage() throws Exception {
        Run run = doctor(Map.of(), "--device", "tpu");
        assertEquals(2, run.exitCode(), run.text());
        assertTrue(run.text().contains("usage: ember doctor"), run.text());
    }

    private static Run doctor(Map<String, String> environment, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-XX:+IgnoreUnrecognizedVMOptions", "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                DoctorMain.class.getName()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(10, TimeUnit.MINUTES), "ember doctor did not finish");
        System.out.println(output);
        List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
        return new Run(process.exitValue(), lines);
    }
}
