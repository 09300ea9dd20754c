package dev.ember.device.host;

import dev.ember.device.Device;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;

/** The sort and top-N primitives on the host: a stable merge sort of row positions. */
public final class HostSort {
    private HostSort() {}

    /** See {@link Device#sortIndices}. */
    public static IntVector sortIndices(List<FieldVector> keys, List<Device.SortKey> orders, int rowCount, int limit,
            BufferAllocator allocator) {
        if (keys.size() != orders.size()) {
            throw new IllegalArgumentException(keys.size() + " sort keys but " + orders.size() + " orders");
        }
        HostKeys columns = new HostKeys(keys);
        for (int i = 0; i < columns.size(); i++) {
            // the comparisons read the buffers unchecked
            columns.column(i).checkRows(0, rowCount);
        }
        boolean[] ascending = new boolean[orders.size()];
        boolean[] nullsFirst = new boolean[orders.size()];
        for (int i = 0; i < orders.size(); i++) {
            ascending[i] = orders.get(i).ascending();
            nullsFirst[i] = orders.get(i).nullsFirst();
        }
        int[] positions = new int[rowCount];
        for (int i = 0; i < rowCount; i++) {
            positions[i] = i;
        }
        RowComparator comparator = (left, right) -> {
            for (int k = 0; k < ascending.length; k++) {
                HostColumn column = columns.column(k);
                boolean leftNull = column.isNull(left);
                boolean rightNull = column.isNull(right);
                int order;
                if (leftNull || rightNull) {
                    if (leftNull == rightNull) {
                        continue;
                    }
                    order = leftNull == nullsFirst[k] ? -1 : 1;
                } else {
                    order = column.compare(left, column, right);
                    if (!ascending[k]) {
                        order = -order;
                    }
                }
                if (order != 0) {
                    return order;
                }
            }
            return 0;
        };
        mergeSort(positions, new int[rowCount], 0, rowCount, comparator);
        int kept = limit < 0 ? rowCount : Math.min(limit, rowCount);
        IntVector out = new IntVector("positions", allocator);
        try {
            out.allocateNew(kept);
            for (int i = 0; i < kept; i++) {
                out.set(i, positions[i]);
            }
            out.setValueCount(kept);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private interface RowComparator {
        int compare(int left, int right);
    }

    private static void mergeSort(int[] values, int[] scratch, int from, int to, RowComparator comparator) {
        if (to - from <= 16) {
            for (int i = from + 1; i < to; i++) {
                int value = values[i];
                int j = i - 1;
                while (j >= from && comparator.compare(values[j], value) > 0) {
                    values[j + 1] = values[j];
                    j--;
                }
                values[j + 1] = value;
            }
            return;
        }
        int middle = (from + to) >>> 1;
        mergeSort(values, scratch, from, middle, comparator);
        mergeSort(values, scratch, middle, to, comparator);
        if (comparator.compare(values[middle - 1], values[middle]) <= 0) {
            return;
        }
        System.arraycopy(values, from, scratch, from, to - from);
        int left = from;
        int right = middle;
        for (int out = from; out < to; out++) {
            if (right >= to || (left < middle && comparator.compare(scratch[left], scratch[right]) <= 0)) {
                values[out] = scratch[left++];
            } else {
                values[out] = scratch[right++];
            }
        }
    }
}
