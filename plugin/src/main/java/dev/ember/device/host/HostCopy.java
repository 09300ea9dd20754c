package dev.ember.device.host;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;

/** The concatenate primitive and the gather that turns index -1 into null, on the host. */
public final class HostCopy {
    private HostCopy() {}

    /** See {@link dev.ember.device.Device#concatenate}. */
    public static List<FieldVector> concatenate(List<List<FieldVector>> parts, List<FieldVector> template,
            BufferAllocator allocator) {
        int total = 0;
        for (List<FieldVector> part : parts) {
            if (part.size() != template.size()) {
                throw new IllegalArgumentException("a part has " + part.size() + " columns, expected "
                        + template.size());
            }
            total += part.isEmpty() ? 0 : part.get(0).getValueCount();
        }
        List<FieldVector> out = new ArrayList<>(template.size());
        try {
            for (int c = 0; c < template.size(); c++) {
                FieldVector target = template.get(c).getField().createVector(allocator);
                out.add(target);
                target.setInitialCapacity(Math.max(total, 1));
                target.allocateNew();
                int next = 0;
                for (List<FieldVector> part : parts) {
                    FieldVector source = part.get(c);
                    int rows = source.getValueCount();
                    for (int row = 0; row < rows; row++) {
                        target.copyFromSafe(row, next++, source);
                    }
                }
                target.setValueCount(total);
            }
            return out;
        } catch (RuntimeException e) {
            out.forEach(FieldVector::close);
            throw e;
        }
    }

    /** See {@link dev.ember.device.Device#gatherOrNull}. */
    public static List<FieldVector> gatherOrNull(List<FieldVector> columns, IntVector indices,
            BufferAllocator allocator) {
        int count = indices.getValueCount();
        List<FieldVector> out = new ArrayList<>(columns.size());
        try {
            for (FieldVector column : columns) {
                FieldVector target = column.getField().createVector(allocator);
                out.add(target);
                target.setInitialCapacity(Math.max(count, 1));
                target.allocateNew();
                int limit = column.getValueCount();
                for (int i = 0; i < count; i++) {
                    int from = indices.get(i);
                    if (from < 0) {
                        target.setNull(i);
                    } else if (from >= limit) {
                        throw new IndexOutOfBoundsException("gather index " + from + " at position " + i
                                + " is outside the column's " + limit + " values");
                    } else {
                        target.copyFromSafe(from, i, column);
                    }
                }
                target.setValueCount(count);
            }
            return out;
        } catch (RuntimeException e) {
            out.forEach(FieldVector::close);
            throw e;
        }
    }
}
