package dev.ember.bench.kernels;

import static java.util.Objects.requireNonNull;

import dev.ember.device.Device;
import dev.ember.device.Primitive;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * One primitive's benchmark: its seeded inputs and one call of it on a device. The case owns its inputs
 * and whatever its calls keep between runs (the join tables a probe reads) and closes them in {@link #close}.
 * A call may run on any device whose memory the inputs live in: the device measured, then the host device
 * that checks it.
 *
 * @param primitive the primitive measured
 * @param rows input rows of one call
 * @param inputs every Arrow vector a call reads, for the byte estimate (counted once each)
 * @param call runs the primitive once on a device, its output allocated from the allocator given and owned by
 *     the caller
 * @param resources closed with the case: the inputs and anything else the case holds
 */
record KernelCase(Primitive primitive, int rows, List<FieldVector> inputs,
    BiFunction<Device, BufferAllocator, KernelOutput> call, List<AutoCloseable> resources)
    implements AutoCloseable {

  KernelCase {
    requireNonNull(primitive, "primitive is null");
    inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
    requireNonNull(call, "call is null");
    resources = List.copyOf(requireNonNull(resources, "resources is null"));
  }

  /** Runs the primitive once on {@code device}; the caller closes the output. */
  KernelOutput run(Device device, BufferAllocator allocator) {
    return call.apply(device, allocator);
  }

  /** Bytes of the input buffers, each counted once. */
  long inputBytes() {
    return KernelOutput.bufferBytes(inputs);
  }

  @Override
  public void close() {
    IllegalStateException failure = null;
    // the reverse order of creation: a join table is closed before the key vectors it reads
    for (int index = resources.size() - 1; index >= 0; index--) {
      try {
        resources.get(index).close();
      } catch (Exception e) {
        failure = failure == null ? new IllegalStateException("closing the inputs of " + primitive.methodName()
            + " failed", e) : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
