package dev.ember.device;

import static java.util.Objects.requireNonNull;

import dev.ember.device.host.HostCopy;
import dev.ember.expr.HostInterpreter;
import dev.ember.expr.Program;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;

/**
 * The primitives as plain Java over Arrow buffers: the device when there is no GPU, and the reference
 * the CUDA kernels are checked against.
 */
public final class HostDevice implements Device {

    @Override
    public String name() {
        return "host";
    }

    @Override
    public FieldVector evaluate(Program program, List<FieldVector> inputs, int rowCount, BufferAllocator allocator) {
        requireNonNull(program, "program is null");
        requireNonNull(inputs, "inputs is null");
        requireNonNull(allocator, "allocator is null");
        return HostInterpreter.evaluate(program, inputs, rowCount, allocator);
    }

    @Override
    public List<FieldVector> evaluateAll(List<Program> programs, List<FieldVector> inputs, int rowCount,
            BufferAllocator allocator) {
        return HostInterpreter.evaluateAll(programs, inputs, rowCount, allocator);
    }

    @Override
    public IntVector selectTrue(BitVector flags, int rowCount, BufferAllocator allocator) {
        requireNonNull(flags, "flags is null");
        requireNonNull(allocator, "allocator is null");
        if (rowCount < 0 || rowCount > flags.getValueCount()) {
            throw new IllegalArgumentException("rowCount " + rowCount + " is outside the flags' "
                    + flags.getValueCount() + " values");
        }
        IntVector positions = new IntVector("positions", allocator);
        try {
            // count first so the output is allocated once, at its exact size
            int selected = 0;
            for (int row = 0; row < rowCount; row++) {
                if (flags.isSet(row) != 0 && flags.get(row) != 0) {
                    selected++;
                }
            }
            positions.allocateNew(selected);
            int next = 0;
            for (int row = 0; row < rowCount; row++) {
                if (flags.isSet(row) != 0 && flags.get(row) != 0) {
                    positions.set(next++, row);
                }
            }
            positions.setValueCount(selected);
            return positions;
        } catch (RuntimeException e) {
            positions.close();
            throw e;
        }
    }

    @Override
    public List<FieldVector> gather(List<FieldVector> columns, IntVector indices, BufferAllocator allocator) {
        requireNonNull(columns, "columns is null");
        requireNonNull(indices, "indices is null");
        requireNonNull(allocator, "allocator is null");
        return HostCopy.gather(columns, indices, allocator);
    }

    @Override
    public void close() {
        // nothing to release: the host device holds no resources of its own
    }
}
