package dev.ember.device;

import dev.ember.expr.Program;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;

/**
 * The primitives Ember's operators are built from, implemented once per kind of device.
 *
 * <p>{@code HostDevice} runs them as Java loops; a CUDA device runs them as kernels over the same
 * Arrow buffers. Both must give identical results: a conformance suite checks that.
 *
 * <p>Ownership: inputs are borrowed (never closed or kept); every returned vector is new and owned
 * by the caller, allocated from the allocator passed in. Implementations are thread-safe: the tasks
 * of one executor share a device.
 */
public interface Device extends AutoCloseable {

    /** A short name for logs and explain output, such as {@code host} or {@code cuda:0 (NVIDIA H100)}. */
    String name();

    /**
     * Evaluates a compiled expression program over {@code rowCount} rows of {@code inputs}.
     *
     * @return a new vector of {@code rowCount} values of the program's result type
     * @throws RuntimeException the error Spark raises for the same input (ANSI overflow, division by
     *     zero, invalid cast), for the first failing row
     */
    FieldVector evaluate(Program program, List<FieldVector> inputs, int rowCount, BufferAllocator allocator);

    /**
     * Stream compaction: the positions of the rows whose flag is true (not null and not false), in
     * ascending order.
     */
    IntVector selectTrue(BitVector flags, int rowCount, BufferAllocator allocator);

    /**
     * Gather: for each column, a new vector holding {@code column[indices[i]]} for each i. An index
     * is never null and always below the column's value count.
     */
    List<FieldVector> gather(List<FieldVector> columns, IntVector indices, BufferAllocator allocator);

    /**
     * How this device runs a primitive, for explain output: the kernels it launches, or the code that
     * runs instead ({@code evaluate}, {@code selectTrue}, {@code gather}, ...).
     */
    default String implementationOf(String primitive) {
        return "Java on the CPU";
    }

    /** Releases the device's resources; the device is unusable afterwards. */
    @Override
    void close();
}
