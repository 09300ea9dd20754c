package dev.ember.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.device.Device;
import dev.ember.device.Device.AggregateOperation;
import dev.ember.device.Device.AggregateOperation.Kind;
import dev.ember.device.host.HostDevice;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/**
 * The first/last group-by operations on hand-made batches whose answers follow from Spark's update and
 * merge expressions: nulls kept or ignored, groups whose rows are all null, order across two batches,
 * and the merge of Spark buffers (value, value set), for an int and a string value column.
 */
class TestHostFirstLast {
    private static final Kind[] KINDS = {Kind.FIRST, Kind.FIRST_IGNORE_NULLS, Kind.LAST, Kind.LAST_IGNORE_NULLS};

    /** Raw values: group 1 = [null, 5, 9], group 2 = [7 | 8] over two batches, group 3 = [null]. */
    @Test
    void updatesInRowOrderAcrossBatches() {
        Integer[][] keys = {{1, 1, 2, 1}, {2, 3}};
        Integer[][] values = {{null, 5, 7, 9}, {8, null}};
        // per kind, per group 1..3: value ("null" for null) and value set
        String[][] expected = {
            {"null/true", "7/true", "null/true"},
            {"5/true", "7/true", "null/false"},
            {"9/true", "8/true", "null/true"},
            {"9/true", "8/true", "null/false"}};
        for (DataType type : List.of(DataTypes.IntegerType, DataTypes.StringType)) {
            for (int k = 0; k < KINDS.length; k++) {
                assertEquals(Arrays.asList(expected[k]), run(KINDS[k], type, keys, values, null),
                        KINDS[k] + " of " + type.simpleString());
            }
        }
    }

    /**
     * Buffers: group 1 = [(null, false), (4, true), (6, true)], group 2 = [(null, true), (3, true)]; null
     * handling of the kind does not matter when merging.
     */
    @Test
    void mergesSparkBuffersInRowOrder() {
        Integer[][] keys = {{1, 1}, {1, 2, 2}};
        Integer[][] values = {{null, 4}, {6, null, 3}};
        Boolean[][] set = {{false, true}, {true, true, true}};
        List<String> firsts = List.of("4/true", "null/true");
        List<String> lasts = List.of("6/true", "3/true");
        for (DataType type : List.of(DataTypes.IntegerType, DataTypes.StringType)) {
            for (Kind kind : KINDS) {
                boolean first = kind == Kind.FIRST || kind == Kind.FIRST_IGNORE_NULLS;
                assertEquals(first ? firsts : lasts, run(kind, type, keys, values, set), kind + " merge of "
                        + type.simpleString());
            }
        }
    }

    @Test
    void aGroupWithoutRowsHasNoValue() {
        for (Kind kind : KINDS) {
            assertEquals(List.of("null/false"), run(kind, DataTypes.IntegerType, null, new Integer[][] {{}}, null));
        }
    }

    /** Adds the batches to a new group-by (no key columns when {@code keys} is null); "value/valueSet" per group. */
    private static List<String> run(Kind kind, DataType type, Integer[][] keys, Integer[][] values, Boolean[][] set) {
        AggregateOperation operation = new AggregateOperation(kind, type, 0, 0, false);
        List<DataType> keyTypes = keys == null ? List.of() : List.of(DataTypes.IntegerType);
        try (BufferAllocator allocator = new RootAllocator();
                Device device = new HostDevice();
                Device.GroupBy groupBy = device.newGroupBy(keyTypes, List.of(operation), allocator)) {
            for (int batch = 0; batch < values.length; batch++) {
                int rows = values[batch].length;
                List<FieldVector> keyColumns = new ArrayList<>();
                List<FieldVector> inputs = new ArrayList<>();
                try {
                    if (keys != null) {
                        keyColumns.add(ints(keys[batch], allocator));
                    }
                    inputs.add(type == DataTypes.StringType ? strings(values[batch], allocator)
                            : ints(values[batch], allocator));
                    if (set != null) {
                        inputs.add(flags(set[batch], allocator));
                    }
                    groupBy.add(keyColumns, List.of(inputs), rows);
                } finally {
                    keyColumns.forEach(FieldVector::close);
                    inputs.forEach(FieldVector::close);
                }
            }
            List<FieldVector> state = groupBy.state(0, allocator);
            try {
                FieldVector value = state.get(0);
                BitVector valueSet = (BitVector) state.get(1);
                List<String> out = new ArrayList<>();
                for (int g = 0; g < groupBy.groupCount(); g++) {
                    Object object = value.getObject(g);
                    out.add((object == null ? "null" : object.toString()) + "/" + (valueSet.get(g) == 1));
                }
                return out;
            } finally {
                state.forEach(FieldVector::close);
            }
        }
    }

    private static IntVector ints(Integer[] values, BufferAllocator allocator) {
        IntVector vector = new IntVector("v", allocator);
        vector.allocateNew(Math.max(values.length, 1));
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                vector.setNull(i);
            } else {
                vector.set(i, values[i]);
            }
        }
        vector.setValueCount(values.length);
        return vector;
    }

    private static VarCharVector strings(Integer[] values, BufferAllocator allocator) {
        VarCharVector vector = new VarCharVector("s", allocator);
        vector.allocateNew(Math.max(values.length, 1));
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                vector.setNull(i);
            } else {
                vector.setSafe(i, values[i].toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        vector.setValueCount(values.length);
        return vector;
    }

    private static BitVector flags(Boolean[] values, BufferAllocator allocator) {
        BitVector vector = new BitVector("set", allocator);
        vector.allocateNew(Math.max(values.length, 1));
        for (int i = 0; i < values.length; i++) {
            vector.set(i, values[i] ? 1 : 0);
        }
        vector.setValueCount(values.length);
        return vector;
    }
}
