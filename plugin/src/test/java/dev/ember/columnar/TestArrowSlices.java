package dev.ember.columnar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.Test;

/**
 * A slice belongs to the allocator it was made for: the source's allocator can close while the slice
 * lives. Arrow's own slicing of a byte-aligned bit vector leaves the slice accounted to the source's
 * allocator, which then reported a leak at close (the sort holding an aggregation's boolean keys).
 */
class TestArrowSlices {

    @Test
    void slicesOutliveTheSourceAllocatorForEveryStart() {
        for (int start : new int[] {0, 3, 8, 9}) {
            try (RootAllocator root = new RootAllocator()) {
                BufferAllocator source = root.newChildAllocator("source", 0, Long.MAX_VALUE);
                BufferAllocator target = root.newChildAllocator("target", 0, Long.MAX_VALUE);
                BitVector bits = new BitVector("b", source);
                IntVector ints = new IntVector("i", source);
                bits.allocateNew(20);
                ints.allocateNew(20);
                for (int row = 0; row < 20; row++) {
                    if (row % 3 == 0) {
                        bits.setNull(row);
                        ints.setNull(row);
                    } else {
                        bits.set(row, row % 2);
                        ints.set(row, row);
                    }
                }
                bits.setValueCount(20);
                ints.setValueCount(20);
                FieldVector bitSlice = ArrowBatches.slice(bits, start, 20 - start, target);
                FieldVector intSlice = ArrowBatches.slice(ints, start, 20 - start, target);
                bits.close();
                ints.close();
                // throws "Memory was leaked" if a slice is still accounted to the source
                source.close();
                for (int row = 0; row < 20 - start; row++) {
                    int original = row + start;
                    assertEquals(original % 3 == 0 ? null : (Object) (original % 2 == 1),
                            bitSlice.getObject(row), "bit row " + original + " from " + start);
                    assertEquals(original % 3 == 0 ? null : (Object) original, intSlice.getObject(row),
                            "int row " + original + " from " + start);
                }
                bitSlice.close();
                intSlice.close();
                target.close();
            }
        }
    }
}
