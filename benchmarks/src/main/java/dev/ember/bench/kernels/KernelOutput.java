package dev.ember.bench.kernels;

import static java.util.Objects.requireNonNull;

import dev.ember.device.conformance.VectorAssertions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.vector.FieldVector;

/**
 * What one call of a primitive gave, owned by this object until {@link #close}: named groups of columns
 * (one per partition of a split, say) and named counts (a join table's rows), compared with the host's
 * by the conformance suite's comparison ({@link VectorAssertions#firstDifference}), and the bytes the
 * call wrote outside those columns (a join table's slots).
 *
 * @param columns the result columns, by name, in a stable order
 * @param counts numbers that must equal the host's, by name
 * @param otherBytes bytes written that no column shows, as measured from the allocator
 * @param owned other resources to close with the columns (a join table)
 */
record KernelOutput(Map<String, List<FieldVector>> columns, Map<String, Long> counts, long otherBytes,
    List<AutoCloseable> owned) implements AutoCloseable {

  KernelOutput {
    columns = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(columns, "columns is null")));
    counts = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(counts, "counts is null")));
    owned = List.copyOf(requireNonNull(owned, "owned is null"));
    if (otherBytes < 0) {
      throw new IllegalArgumentException("otherBytes must not be negative, got " + otherBytes);
    }
  }

  /** One group of result columns. */
  static KernelOutput of(String name, List<FieldVector> columns) {
    return new KernelOutput(Map.of(name, columns), Map.of(), 0, List.of());
  }

  /** Bytes of every result column's buffers, each counted once. */
  long columnBytes() {
    List<FieldVector> all = new ArrayList<>();
    columns.values().forEach(all::addAll);
    return bufferBytes(all);
  }

  /**
   * The first difference between {@code expected} (the host's output) and this, or empty when they are
   * identical: every group of columns, then every count.
   */
  Optional<String> firstDifferenceFrom(KernelOutput expected, String context) {
    Optional<String> groups = VectorAssertions.firstDifference(expected.columns.keySet(), columns.keySet(),
        context + ": result groups");
    if (groups.isPresent()) {
      return groups;
    }
    for (Map.Entry<String, List<FieldVector>> group : expected.columns.entrySet()) {
      Optional<String> difference = VectorAssertions.firstDifference(group.getValue(), columns.get(group.getKey()),
          context + ", " + group.getKey());
      if (difference.isPresent()) {
        return difference;
      }
    }
    for (Map.Entry<String, Long> count : expected.counts.entrySet()) {
      Optional<String> difference = VectorAssertions.firstDifference(count.getValue(), counts.get(count.getKey()),
          context + ", " + count.getKey());
      if (difference.isPresent()) {
        return difference;
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (List<FieldVector> group : columns.values()) {
      for (FieldVector vector : group) {
        vector.close();
      }
    }
    for (AutoCloseable resource : owned) {
      try {
        resource.close();
      } catch (Exception e) {
        failure = failure == null ? new IllegalStateException("closing a primitive's output failed", e) : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * The bytes of the vectors' Arrow buffers at their value counts (validity, offsets, values and string
   * bytes), each vector counted once even when it appears twice (an input several aggregates read).
   */
  static long bufferBytes(Collection<? extends FieldVector> vectors) {
    Set<FieldVector> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    long bytes = 0;
    for (FieldVector vector : vectors) {
      if (seen.add(vector)) {
        bytes += vector.getBufferSize();
      }
    }
    return bytes;
  }
}
