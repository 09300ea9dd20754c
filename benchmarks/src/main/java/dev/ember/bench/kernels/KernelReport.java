package dev.ember.bench.kernels;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The results of one {@code bin/ember bench kernels} run: a text table for stdout and {@code kernels.json}.
 *
 * <p>{@code kernels.json} is an object with {@code machine}, {@code device} (what ran: cuda, emulator or
 * host), {@code device_name}, {@code compute_capability} (null on the host), {@code peak_gb_per_s} (null when
 * unknown), {@code rows}, {@code iterations}, {@code seed}, {@code date} (UTC) and {@code primitives}: per
 * primitive {@code name}, {@code rows}, {@code median_ms}, {@code rows_per_s}, {@code bytes} (the estimate),
 * {@code gb_per_s}, {@code percent_of_peak} (null when the peak is unknown), {@code check} ({@code ok} or
 * {@code MISMATCH: ...}) and {@code host_calls}.
 */
record KernelReport(String machine, String device, String deviceName, Optional<String> computeCapability,
    OptionalDouble peakBytesPerSecond, int rows, int iterations, long seed, String date, List<KernelResult> results) {

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  KernelReport {
    requireNonNull(machine, "machine is null");
    requireNonNull(device, "device is null");
    requireNonNull(deviceName, "deviceName is null");
    requireNonNull(computeCapability, "computeCapability is null");
    requireNonNull(peakBytesPerSecond, "peakBytesPerSecond is null");
    requireNonNull(date, "date is null");
    results = List.copyOf(results);
  }

  boolean allOk() {
    return results.stream().allMatch(KernelResult::ok);
  }

  /** What the {@code % of peak} column is a share of: {@code of 3352.3 GB/s}, or why it holds {@code -}. */
  String peakText() {
    return peakBytesPerSecond.isPresent()
        ? String.format(Locale.ROOT, "of %.1f GB/s", peakBytesPerSecond.getAsDouble() / 1e9)
        : "- (peak unknown)";
  }

  /** The table: one line per primitive. */
  String table() {
    StringBuilder text = new StringBuilder();
    String format = "%-17s %11s %11s %13s %12s %9s %10s  %s%n";
    text.append(String.format(Locale.ROOT, format, "primitive", "rows", "median ms", "M rows/s", "MB (est.)", "GB/s",
        "% of peak", "check"));
    for (KernelResult result : results) {
      text.append(String.format(Locale.ROOT, format, result.primitive(), String.format(Locale.ROOT, "%,d", result.rows()),
          String.format(Locale.ROOT, "%.3f", result.medianMillis()),
          String.format(Locale.ROOT, "%.2f", result.rowsPerSecond() / 1e6),
          String.format(Locale.ROOT, "%.2f", result.bytes() / 1e6),
          String.format(Locale.ROOT, "%.3f", result.gigabytesPerSecond()),
          result.percentOfPeak().isPresent() ? String.format(Locale.ROOT, "%.1f", result.percentOfPeak().getAsDouble())
              : "-",
          result.check()));
    }
    return text.toString();
  }

  String json() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("machine", machine);
    root.put("device", device);
    root.put("device_name", deviceName);
    if (computeCapability.isPresent()) {
      root.put("compute_capability", computeCapability.get());
    } else {
      root.putNull("compute_capability");
    }
    putNumber(root, "peak_gb_per_s", peakBytesPerSecond.isPresent()
        ? OptionalDouble.of(peakBytesPerSecond.getAsDouble() / 1e9) : OptionalDouble.empty());
    root.put("rows", rows);
    root.put("iterations", iterations);
    root.put("seed", seed);
    root.put("date", date);
    ArrayNode primitives = root.putArray("primitives");
    for (KernelResult result : results) {
      ObjectNode entry = primitives.addObject();
      entry.put("name", result.primitive());
      entry.put("rows", result.rows());
      entry.put("median_ms", result.medianMillis());
      entry.put("rows_per_s", result.rowsPerSecond());
      entry.put("bytes", result.bytes());
      entry.put("gb_per_s", result.gigabytesPerSecond());
      putNumber(entry, "percent_of_peak", result.percentOfPeak());
      entry.put("check", result.check());
      entry.put("host_calls", result.hostCalls());
    }
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("could not write the report as JSON", e);
    }
  }

  /** Writes {@code directory/kernels.json}, creating the directory; returns the file. */
  Path writeJson(Path directory) throws IOException {
    Files.createDirectories(directory);
    Path file = directory.resolve("kernels.json");
    Files.writeString(file, json());
    return file;
  }

  private static void putNumber(ObjectNode node, String field, OptionalDouble value) {
    if (value.isPresent()) {
      node.put(field, value.getAsDouble());
    } else {
      node.putNull(field);
    }
  }
}
