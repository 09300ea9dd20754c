package dev.ember.bench.kernels;

import static java.util.Objects.requireNonNull;

import dev.ember.bench.BenchOptions;
import dev.ember.bench.OptionValues;
import dev.ember.bench.UsageException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The options of {@code bin/ember bench kernels}, parsed and checked.
 *
 * @param device where the primitives run
 * @param rows input rows per primitive
 * @param iterations timed runs per primitive after one warm-up; the median is reported
 * @param seed the seed of every random input
 * @param output the directory that receives {@code kernels.json}, if any
 */
public record KernelBenchOptions(DeviceKind device, int rows, int iterations, long seed, Optional<Path> output) {

  /** Where the primitives run. */
  public enum DeviceKind {
    /** A GPU through the NVIDIA driver: the numbers this command exists for. */
    CUDA,
    /** Ember's CUDA driver emulator: the kernels' code on the CPU, for correctness only. */
    EMULATOR,
    /** {@code HostDevice}: the Java implementation of every primitive. */
    HOST;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Rows per primitive on a GPU or the host: large enough that launch overheads stop mattering on a GPU. */
  public static final int DEFAULT_ROWS = 1 << 24;
  /** Rows per primitive on the emulator: it runs kernels thread by thread on the CPU, about a minute in all. */
  public static final int DEFAULT_EMULATOR_ROWS = 1 << 16;
  public static final int DEFAULT_ITERATIONS = 5;

  /** The text {@code bin/ember bench kernels --help} prints. */
  public static final String USAGE =
      String.join(
          "\n",
          "usage: bin/ember bench kernels [options]",
          "",
          "Runs each device primitive with a kernel on seeded random inputs (with nulls), one warm-up and",
          "N timed runs, and reports the median time, rows/s, the bytes the primitive must read and write,",
          "GB/s and its share of the device's peak memory bandwidth; then checks each result against the",
          "host device. Exit status 1 when a result differs.",
          "",
          "  --device D           cuda|emulator|host (default cuda; without a CUDA device the command",
          "                       stops and says so)",
          "  --rows N             input rows per primitive (default " + DEFAULT_ROWS + ", on the emulator "
              + DEFAULT_EMULATOR_ROWS + ")",
          "  --iterations N       timed runs per primitive, median kept (default " + DEFAULT_ITERATIONS + ")",
          "  --seed S             seed of the random inputs (default: the clock; printed)",
          "  --output DIR         also write DIR/kernels.json",
          "  -h, --help           print this text");

  private static final List<String> OPTIONS_WITH_VALUES =
      List.of("--device", "--rows", "--iterations", "--seed", "--output");

  public KernelBenchOptions {
    requireNonNull(device, "device is null");
    requireNonNull(output, "output is null");
    if (rows < 1) {
      throw new UsageException("--rows must be at least 1, got " + rows);
    }
    if (iterations < 1) {
      throw new UsageException("--iterations must be at least 1, got " + iterations);
    }
  }

  /**
   * Parses the arguments after {@code bench kernels}.
   *
   * @param defaultSeed the seed when {@code --seed} is not given
   * @throws UsageException for an unknown option, a missing or malformed value
   * @throws BenchOptions.HelpRequested for {@code -h} or {@code --help}
   */
  public static KernelBenchOptions parse(List<String> arguments, long defaultSeed) {
    requireNonNull(arguments, "arguments is null");
    DeviceKind device = DeviceKind.CUDA;
    Integer rows = null;
    int iterations = DEFAULT_ITERATIONS;
    long seed = defaultSeed;
    Path output = null;
    for (OptionValues.OptionValue pair : OptionValues.of(arguments, OPTIONS_WITH_VALUES)) {
      String option = pair.option();
      String value = pair.value();
      switch (option) {
        case "--device" -> device = parseDevice(value);
        case "--rows" -> rows = parseInt(option, value);
        case "--iterations" -> iterations = parseInt(option, value);
        case "--seed" -> seed = parseSeed(value);
        case "--output" -> output = Path.of(value);
        default -> throw new UsageException("unknown option '" + option + "'");
      }
    }
    int chosenRows = rows != null ? rows : device == DeviceKind.EMULATOR ? DEFAULT_EMULATOR_ROWS : DEFAULT_ROWS;
    return new KernelBenchOptions(device, chosenRows, iterations, seed, Optional.ofNullable(output));
  }

  private static DeviceKind parseDevice(String value) {
    for (DeviceKind kind : DeviceKind.values()) {
      if (kind.label().equals(value.toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    throw new UsageException("--device must be one of cuda|emulator|host, got '" + value + "'");
  }

  private static int parseInt(String option, String value) {
    try {
      return Integer.parseInt(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new UsageException(option + " needs a whole number up to " + Integer.MAX_VALUE + ", got '" + value + "'");
    }
  }

  private static long parseSeed(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new UsageException("--seed needs a whole number, got '" + value + "'");
    }
  }
}
