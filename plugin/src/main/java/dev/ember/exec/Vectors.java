package dev.ember.exec;

import dev.ember.columnar.ArrowBatches;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;

/** Small helpers over Arrow vectors. */
final class Vectors {
    private Vectors() {}

    /**
     * A new vector that shares the buffers of {@code vector} (reference counted, nothing copied): the
     * caller owns the new vector, the original keeps its owner.
     */
    static FieldVector share(FieldVector vector, BufferAllocator allocator) {
        return ArrowBatches.slice(vector, 0, vector.getValueCount(), allocator);
    }

    static List<FieldVector> shareAll(List<FieldVector> vectors, BufferAllocator allocator) {
        List<FieldVector> shared = new ArrayList<>(vectors.size());
        try {
            for (FieldVector vector : vectors) {
                shared.add(share(vector, allocator));
            }
            return shared;
        } catch (RuntimeException e) {
            shared.forEach(FieldVector::close);
            throw e;
        }
    }
}
