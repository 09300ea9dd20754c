package dev.ember.expr;

import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * Runs a {@link Program} on the CPU, column at a time over chunks of rows.
 *
 * <p>STUB: the expression work replaces the body.
 */
public final class HostInterpreter {
    private HostInterpreter() {}

    /** See {@link dev.ember.device.Device#evaluate}. */
    public static FieldVector evaluate(Program program, List<FieldVector> inputs, int rowCount,
            BufferAllocator allocator) {
        throw new UnsupportedOperationException("expression programs are not implemented yet");
    }
}
