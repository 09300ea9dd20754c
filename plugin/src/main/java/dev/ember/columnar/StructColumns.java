package dev.ember.columnar;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * Struct columns Ember builds from columns it has: the result of {@code named_struct(...)} in a projection
 * (Spark's merged scalar subqueries, TPC-DS q9). Spark reads such a column through {@code ArrowColumnVector}'s
 * struct accessor; no Ember operator reads one.
 */
public final class StructColumns {
    private StructColumns() {}

    /**
     * A non-null struct per row whose fields are {@code values}, named {@code names} (names may repeat, as in
     * Spark). The values' buffers move into the struct; the caller closes the values afterwards either way
     * and owns the returned vector.
     *
     * @throws IllegalArgumentException when the names and values differ in number or a value holds other than
     *     {@code rows} values
     */
    public static StructVector of(String name, List<String> names, List<FieldVector> values, int rows,
            BufferAllocator allocator) {
        requireNonNull(name, "name is null");
        requireNonNull(allocator, "allocator is null");
        if (names.size() != values.size()) {
            throw new IllegalArgumentException(names.size() + " field names for " + values.size() + " values");
        }
        List<Field> fields = new ArrayList<>(values.size());
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            FieldVector value = values.get(i);
            if (value.getValueCount() != rows) {
                throw new IllegalArgumentException("field " + names.get(i) + " holds " + value.getValueCount()
                        + " values, the struct " + rows);
            }
            Field field = value.getField();
            // Arrow resolves children by name, Spark reads them by position: a repeated name gets a suffix
            String arrowName = taken.add(names.get(i)) ? names.get(i) : names.get(i) + "#" + i;
            taken.add(arrowName);
            fields.add(new Field(arrowName, field.getFieldType(), field.getChildren()));
        }
        Field structField = new Field(name, FieldType.nullable(ArrowType.Struct.INSTANCE), fields);
        StructVector struct = new StructVector(structField, allocator, null);
        try {
            struct.allocateNew();
            for (int i = 0; i < values.size(); i++) {
                values.get(i).makeTransferPair(struct.getChildByOrdinal(i)).transfer();
            }
            for (int row = 0; row < rows; row++) {
                struct.setIndexDefined(row);
            }
            struct.setValueCount(rows);
            return struct;
        } catch (RuntimeException e) {
            struct.close();
            throw e;
        }
    }
}
