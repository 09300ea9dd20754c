package dev.ember.bench.kernels;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One primitive's row of {@code bin/ember bench kernels}.
 *
 * @param primitive the {@code Device} method, such as {@code gather}
 * @param rows input rows of one call
 * @param medianMillis the median of the timed calls, in milliseconds
 * @param bytes the estimate of bytes read and written by one call: each input buffer once, each output buffer
 *     once (see docs/benchmark.md for what this leaves out)
 * @param peakBytesPerSecond the device's peak memory bandwidth, when known
 * @param mismatch the first difference from the host device's result; empty when identical
 * @param hostCalls calls a CUDA device ran on the host instead of as a kernel during the run (0 normally)
 */
record KernelResult(String primitive, int rows, double medianMillis, long bytes, OptionalDouble peakBytesPerSecond,
    Optional<String> mismatch, long hostCalls) {

  KernelResult {
    requireNonNull(primitive, "primitive is null");
    requireNonNull(peakBytesPerSecond, "peakBytesPerSecond is null");
    requireNonNull(mismatch, "mismatch is null");
  }

  double rowsPerSecond() {
    return rows / (medianMillis / 1000);
  }

  /** Decimal gigabytes (10^9 bytes) per second of {@link #bytes} at the median time. */
  double gigabytesPerSecond() {
    return bytes / (medianMillis / 1000) / 1e9;
  }

  /** {@link #gigabytesPerSecond} as a percentage of the peak; empty when the peak is unknown. */
  OptionalDouble percentOfPeak() {
    return peakBytesPerSecond.isPresent()
        ? OptionalDouble.of(gigabytesPerSecond() * 1e9 / peakBytesPerSecond.getAsDouble() * 100)
        : OptionalDouble.empty();
  }

  boolean ok() {
    return mismatch.isEmpty();
  }

  /** {@code ok} or {@code MISMATCH: <first difference>}, with a note when the device ran it on the host. */
  String check() {
    String host = hostCalls > 0 ? " (" + hostCalls + " calls ran on the host, not as kernels)" : "";
    return mismatch.map(difference -> "MISMATCH: " + difference).orElse("ok") + host;
  }
}
