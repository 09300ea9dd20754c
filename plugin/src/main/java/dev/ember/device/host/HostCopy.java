package dev.ember.device.host;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;

/** The gather, gather-or-null and concatenate primitives on the host, column by column ({@link HostColumnCopy}). */
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
            total = Math.addExact(total, part.isEmpty() ? 0 : part.get(0).getValueCount());
        }
        List<FieldVector> out = new ArrayList<>(template.size());
        try {
            for (int c = 0; c < template.size(); c++) {
                List<FieldVector> column = new ArrayList<>(parts.size());
                for (List<FieldVector> part : parts) {
                    column.add(part.get(c));
                }
                out.add(HostColumnCopy.concatenate(column, template.get(c), total, allocator));
            }
            return out;
        } catch (RuntimeException e) {
            out.forEach(FieldVector::close);
            throw e;
        }
    }

    /** See {@link dev.ember.device.Device#gather}. */
    public static List<FieldVector> gather(List<FieldVector> columns, IntVector indices, BufferAllocator allocator) {
        return gather(columns, indices, false, allocator);
    }

    /** See {@link dev.ember.device.Device#gatherOrNull}. */
    public static List<FieldVector> gatherOrNull(List<FieldVector> columns, IntVector indices,
            BufferAllocator allocator) {
        return gather(columns, indices, true, allocator);
    }

    private static List<FieldVector> gather(List<FieldVector> columns, IntVector indices, boolean negativeIsNull,
            BufferAllocator allocator) {
        int limit = Integer.MAX_VALUE;
        for (FieldVector column : columns) {
            limit = Math.min(limit, column.getValueCount());
        }
        // once for all columns: the per-column copies read the indices unchecked
        HostColumnCopy.checkIndices(indices, limit, negativeIsNull);
        List<FieldVector> out = new ArrayList<>(columns.size());
        try {
            for (FieldVector column : columns) {
                out.add(HostColumnCopy.gather(column, indices, allocator));
            }
            return out;
        } catch (RuntimeException e) {
            out.forEach(FieldVector::close);
            throw e;
        }
    }
}
