package dev.ember.device.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Objects;
import org.apache.arrow.vector.FieldVector;

/** Row-by-row equality of Arrow vectors: same type, count, nulls and values (floats by Float.equals and Double.equals). */
final class VectorAssertions {

    private VectorAssertions() {}

    static void assertSameColumns(List<? extends FieldVector> expected, List<? extends FieldVector> actual,
            String context) {
        assertEquals(expected.size(), actual.size(), context + ": column count");
        for (int column = 0; column < expected.size(); column++) {
            assertSameVector(expected.get(column), actual.get(column), context + ", column " + column);
        }
    }

    static void assertSameVector(FieldVector expected, FieldVector actual, String context) {
        assertEquals(expected.getField().getType(), actual.getField().getType(), context + ": type");
        assertEquals(expected.getValueCount(), actual.getValueCount(), context + ": value count");
        assertEquals(expected.getNullCount(), actual.getNullCount(), context + ": null count");
        for (int row = 0; row < expected.getValueCount(); row++) {
            boolean expectedNull = expected.isNull(row);
            if (expectedNull != actual.isNull(row)) {
                fail(context + ", row " + row + ": expected " + (expectedNull ? "null" : "a value") + " but got "
                        + (expectedNull ? actual.getObject(row) : "null"));
            }
            Object expectedValue = expected.getObject(row);
            Object actualValue = actual.getObject(row);
            if (!Objects.equals(expectedValue, actualValue)) {
                fail(context + ", row " + row + ": expected <" + expectedValue + "> but got <" + actualValue + ">");
            }
        }
    }
}
