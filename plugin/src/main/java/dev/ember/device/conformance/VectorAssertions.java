package dev.ember.device.conformance;

import dev.ember.device.Device;
import dev.ember.expr.Program;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * Row-by-row equality of Arrow vectors: same type, count, nulls and values (floats by Float.equals and
 * Double.equals). A difference throws an {@link AssertionError} naming the context and the first row that
 * differs, which JUnit reports as a failed test and {@link ConformanceSuite} as a failed check. Public only
 * through {@link #firstDifference}: tools that compare a device's result with the host's outside the
 * conformance checks ({@code ember bench kernels}) use the same comparison.
 */
public final class VectorAssertions {

    private VectorAssertions() {}

    /**
     * The first difference between the host's columns and a device's, as the conformance checks describe it
     * ({@code context}, column, row, expected and actual value), or empty when they are identical.
     */
    public static Optional<String> firstDifference(List<? extends FieldVector> expected,
            List<? extends FieldVector> actual, String context) {
        try {
            assertSameColumns(expected, actual, context);
            return Optional.empty();
        } catch (AssertionError e) {
            return Optional.of(e.getMessage());
        }
    }

    /** As {@link #firstDifference(List, List, String)} for one value, such as a row or group count. */
    public static Optional<String> firstDifference(Object expected, Object actual, String context) {
        try {
            assertEquals(expected, actual, context);
            return Optional.empty();
        } catch (AssertionError e) {
            return Optional.of(e.getMessage());
        }
    }

    static void assertEquals(Object expected, Object actual, String context) {
        if (!Objects.equals(expected, actual)) {
            fail(context + ": expected <" + expected + "> but got <" + actual + ">");
        }
    }

    static void assertTrue(boolean condition, String context) {
        if (!condition) {
            fail(context);
        }
    }

    static void fail(String message) {
        throw new AssertionError(message);
    }

    static void fail(String message, Throwable cause) {
        throw new AssertionError(message, cause);
    }

    /**
     * Evaluates {@code program} on the host device and on the CUDA device and asserts the same outcome:
     * both raise an error of the same class and message, or both give the same vector, which
     * {@code moreChecks} may then look at before both close. Returns whether both raised the error.
     */
    static boolean assertSameEvaluation(Device host, Device cuda, Program program, List<FieldVector> inputs,
            int rows, BufferAllocator allocator, String context, BiConsumer<FieldVector, FieldVector> moreChecks) {
        FieldVector expected = null;
        FieldVector actual = null;
        RuntimeException expectedError = null;
        RuntimeException actualError = null;
        try {
            try {
                expected = host.evaluate(program, inputs, rows, allocator);
            } catch (RuntimeException e) {
                expectedError = e;
            }
            try {
                actual = cuda.evaluate(program, inputs, rows, allocator);
            } catch (RuntimeException e) {
                actualError = e;
            }
            if (expectedError != null || actualError != null) {
                if (expectedError == null || actualError == null) {
                    RuntimeException error = expectedError != null ? expectedError : actualError;
                    fail(context + ": only the " + (expectedError != null ? "host" : "CUDA device") + " failed: " + error,
                            error);
                }
                assertEquals(expectedError.getClass(), actualError.getClass(), context + ": error class");
                assertEquals(expectedError.getMessage(), actualError.getMessage(), context + ": error message");
                return true;
            }
            // Floating results compare by Float.equals / Double.equals: their bits, NaN aside.
            assertSameVector(expected, actual, context);
            moreChecks.accept(expected, actual);
            return false;
        } finally {
            if (expected != null) {
                expected.close();
            }
            if (actual != null) {
                actual.close();
            }
        }
    }

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
