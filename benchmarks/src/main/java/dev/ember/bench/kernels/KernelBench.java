package dev.ember.bench.kernels;

import static java.util.Objects.requireNonNull;

import dev.ember.bench.BenchOptions;
import dev.ember.bench.UsageException;
import dev.ember.bench.kernels.KernelBenchOptions.DeviceKind;
import dev.ember.bench.run.Benchmark;
import dev.ember.bench.run.Median;
import dev.ember.device.Device;
import dev.ember.device.Primitive;
import dev.ember.device.host.HostDevice;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * {@code bin/ember bench kernels}: each primitive with a kernel ({@link KernelCases#PRIMITIVES}) on seeded
 * random inputs, one warm-up call and {@code --iterations} timed calls on the device, the median reported
 * with the bytes the call must move and the share of the device's peak memory bandwidth that makes; then
 * the same call on {@link HostDevice} over the same inputs, compared with the conformance suite's
 * comparison. Prints a line per primitive as it goes and the table at the end.
 *
 * <p>Exit status ({@link #run}): 0 when every result matches the host's; 1 when one differs, the device
 * cannot be opened (the message says what to run instead) or a buffer leaked; 2 for a bad command line.
 *
 * <p>Each primitive gets a child allocator named after it, closed after its case, so a leak fails the run
 * naming the primitive; the root allocator must close at zero bytes too. Timings are of one thread calling
 * the device; a CUDA device's calls return when their kernels have finished, so the wall time is the
 * kernels' plus the host's work around them (argument checks, allocations, launches).
 */
public final class KernelBench {

  private final KernelBenchOptions options;
  private final PrintStream out;

  KernelBench(KernelBenchOptions options, PrintStream out) {
    this.options = requireNonNull(options, "options is null");
    this.out = requireNonNull(out, "out is null");
  }

  /**
   * Parses {@code arguments} (those after {@code bench kernels}), runs, prints to {@code out} (errors to
   * {@code err}) and returns the exit status instead of exiting.
   */
  public static int run(List<String> arguments, PrintStream out, PrintStream err) {
    KernelBenchOptions options;
    try {
      options = KernelBenchOptions.parse(arguments, System.nanoTime());
    } catch (BenchOptions.HelpRequested e) {
      out.println(KernelBenchOptions.USAGE);
      return 0;
    } catch (UsageException e) {
      err.println("ember bench kernels: " + e.getMessage());
      err.println(KernelBenchOptions.USAGE);
      return 2;
    }
    try {
      KernelReport report = new KernelBench(options, out).run();
      if (!report.allOk()) {
        err.println("ember bench kernels: a device result differs from the host's (rows marked MISMATCH)");
        return 1;
      }
      return 0;
    } catch (BenchDevice.Unavailable e) {
      err.println("ember bench kernels: " + e.getMessage());
      return 1;
    } catch (IOException | RuntimeException e) {
      err.println("ember bench kernels: " + e);
      return 1;
    }
  }

  /** Runs every primitive; returns the report after printing it (and writing kernels.json with --output). */
  KernelReport run() throws IOException {
    out.println("ember bench kernels: " + options.rows() + " rows per primitive, 1 warm-up and "
        + options.iterations() + " timed calls, seed " + options.seed() + " (rerun with --seed " + options.seed()
        + ")");
    if (options.device() == DeviceKind.EMULATOR) {
      out.println("emulator: the timings measure Ember's CUDA driver emulator running the kernels on the CPU,"
          + " not a GPU; they are for correctness only");
    }
    String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    KernelReport report;
    try (BenchDevice device = BenchDevice.open(options.device()); Device host = new HostDevice()) {
      out.println("device: " + device.device().name());
      out.println("peak memory bandwidth: " + peakLine(device));
      List<KernelResult> results = new ArrayList<>();
      for (Primitive primitive : KernelCases.PRIMITIVES) {
        KernelResult result = measure(primitive, device, host);
        results.add(result);
        out.println(String.format(Locale.ROOT, "  %-17s %,d rows: median %.3f ms, %.2f M rows/s, %.2f MB, %.3f GB/s, %s",
            result.primitive(), result.rows(), result.medianMillis(), result.rowsPerSecond() / 1e6,
            result.bytes() / 1e6, result.gigabytesPerSecond(), result.check()));
      }
      report = new KernelReport(Benchmark.machine(), options.device().label(), device.name(),
          device.computeCapability(), device.peakBytesPerSecond(), options.rows(), options.iterations(),
          options.seed(), date, results);
    }
    out.println();
    out.print(report.table());
    out.println("bytes: an estimate, each input and output Arrow buffer counted once; GB/s = bytes / median time;"
        + " % of peak: " + report.peakText());
    if (options.output().isPresent()) {
      Path file = report.writeJson(options.output().get());
      out.println("wrote " + file);
    }
    return report;
  }

  private String peakLine(BenchDevice device) {
    if (device.peakBytesPerSecond().isPresent()) {
      return String.format(Locale.ROOT, "%.1f GB/s (the driver's memory clock and bus width, x2 for DDR)",
          device.peakBytesPerSecond().getAsDouble() / 1e9);
    }
    return options.device() == DeviceKind.HOST ? "peak unknown (the host device reports none)"
        : "peak unknown (the driver reports no memory clock or bus width)";
  }

  /** One primitive: inputs, warm-up, timed calls, the host's result compared; every buffer closed. */
  private KernelResult measure(Primitive primitive, BenchDevice device, Device host) {
    int rows = options.rows();
    long hostCallsBefore = device.hostCalls(primitive);
    try (BufferAllocator allocator = device.root().newChildAllocator(primitive.methodName(), 0, Long.MAX_VALUE);
        KernelCase kernelCase = KernelCases.create(primitive, rows, options.seed(), allocator, host)) {
      try (KernelOutput warmUp = kernelCase.run(device.device(), allocator)) {
        // untimed: loads what the first call loads (and builds the probe's table)
      }
      List<Double> millis = new ArrayList<>();
      KernelOutput last = null;
      try {
        for (int iteration = 0; iteration < options.iterations(); iteration++) {
          if (last != null) {
            last.close();
            last = null;
          }
          long start = System.nanoTime();
          last = kernelCase.run(device.device(), allocator);
          millis.add((System.nanoTime() - start) / 1e6);
        }
        try (KernelOutput expected = kernelCase.run(host, allocator)) {
          long bytes = kernelCase.inputBytes() + last.columnBytes() + last.otherBytes();
          Optional<String> mismatch = last.firstDifferenceFrom(expected,
              primitive.methodName() + " of " + rows + " rows, seed " + options.seed());
          return new KernelResult(primitive.methodName(), kernelCase.rows(), Median.of(millis), bytes,
              device.peakBytesPerSecond(), mismatch, device.hostCalls(primitive) - hostCallsBefore);
        }
      } finally {
        if (last != null) {
          last.close();
        }
      }
    }
  }
}
