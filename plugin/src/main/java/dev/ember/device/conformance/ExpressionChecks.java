package dev.ember.device.conformance;

import static dev.ember.device.conformance.VectorAssertions.assertEquals;
import static dev.ember.device.conformance.VectorAssertions.assertTrue;
import static dev.ember.device.conformance.VectorAssertions.fail;

import dev.ember.expr.SupportLevel;
import dev.ember.columnar.ArrowTypes;
import dev.ember.device.cuda.CudaDevice;
import dev.ember.expr.CompilerSettings;
import dev.ember.expr.ExpressionCompiler;
import dev.ember.expr.Program;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The conformance checks of {@code evaluate}: the same compiled program over the same managed-memory
 * inputs on both devices of a {@link DevicePair} gives bit-identical values and null masks, or the same
 * error (class and message).
 */
final class ExpressionChecks {

    /**
     * What a run of random programs did.
     *
     * @param checks program evaluations compared
     * @param errors of those, how many raised Spark's error on both devices
     * @param values of those, how many gave values
     */
    record ProgramCounts(int checks, int errors, int values) {}

    private ExpressionChecks() {}

    /** The compiler settings of every check: ANSI mode, UTC, every expression enabled. */
    static ExpressionCompiler compiler() {
        return new ExpressionCompiler(new CompilerSettings(true, "UTC", name -> true));
    }

    /**
     * {@code programs} seeded random programs of every result type of {@link RandomPrograms#RESULTS}, each
     * over inputs of each of {@code sizes} rows. Every program must compile and, where the device is a
     * {@link CudaDevice}, be covered by its interpreter kernel; when it is, every evaluation must have
     * run the kernel and none the host interpreter.
     */
    static ProgramCounts randomPrograms(DevicePair pair, int programs, int[] sizes) {
        Random random = new Random(pair.seed());
        RandomPrograms generator = new RandomPrograms(random);
        ExpressionCompiler compiler = compiler();
        List<Attribute> attributes = attributes();
        CudaDevice cuda = pair.device() instanceof CudaDevice device ? device : null;
        long kernelCallsBefore = cuda == null ? 0 : cuda.kernelExpressionEvaluations();
        long hostCallsBefore = cuda == null ? 0 : cuda.hostExpressionEvaluations();
        int checks = 0;
        int errors = 0;
        for (int index = 0; index < programs; index++) {
            DataType type = RandomPrograms.RESULTS.get(index % RandomPrograms.RESULTS.size());
            Expression expression = generator.generate(type, 1 + random.nextInt(4));
            SupportLevel support = compiler.support(expression, attributes);
            assertTrue(support.isCompatible(), expression.sql() + " should compile: " + support.reason());
            Program program = compiler.compile(expression, attributes);
            if (cuda != null) {
                Optional<String> reason = cuda.expressionKernelUnsupportedReason(program);
                assertTrue(reason.isEmpty(), "the kernel should cover " + program + ": " + reason.orElse(""));
            }
            for (int rows : sizes) {
                List<FieldVector> inputs = inputs(generator, random, rows, pair.allocator());
                try {
                    String context = "program " + index + " " + expression.sql() + " = " + program + " over " + rows
                            + " rows, seed " + pair.seed();
                    checks++;
                    errors += compare(pair, program, inputs, rows, context) ? 1 : 0;
                } finally {
                    inputs.forEach(FieldVector::close);
                }
            }
        }
        if (cuda != null) {
            assertEquals((long) checks, cuda.kernelExpressionEvaluations() - kernelCallsBefore,
                    "evaluations that ran the kernel");
            assertEquals(0L, cuda.hostExpressionEvaluations() - hostCallsBefore,
                    "evaluations that fell back to the host");
        }
        return new ProgramCounts(checks, errors, checks - errors);
    }

    /** Evaluates on both devices and compares (floating values by their bits); returns whether both raised the error. */
    static boolean compare(DevicePair pair, Program program, List<FieldVector> inputs, int rows, String context) {
        return VectorAssertions.assertSameEvaluation(pair.host(), pair.device(), program, inputs, rows,
                pair.allocator(), context, (expected, actual) -> assertSameBits(expected, actual, context));
    }

    /** Attributes {@code c0..} of the types of {@link RandomPrograms#INPUTS}. */
    static List<Attribute> attributes() {
        List<Attribute> attributes = new ArrayList<>();
        for (int ordinal = 0; ordinal < RandomPrograms.INPUTS.size(); ordinal++) {
            attributes.add(attribute("c" + ordinal, RandomPrograms.INPUTS.get(ordinal)));
        }
        return attributes;
    }

    static AttributeReference attribute(String name, DataType type) {
        return new AttributeReference(name, type, true, Metadata.empty(), NamedExpression.newExprId(),
                CollectionConverters.asScala(List.<String>of()).toList());
    }

    /**
     * Floating point values compared by their bits: -0.0 differs from 0.0. NaN payloads and signs are
     * not compared: Java's JIT picks the operand order of commutative instructions (and so which
     * NaN's payload x86 propagates) and GPUs return one canonical NaN, while Spark treats every NaN
     * as the same value.
     */
    static void assertSameBits(FieldVector expected, FieldVector actual, String context) {
        if (!(expected instanceof Float4Vector || expected instanceof Float8Vector)) {
            return;
        }
        int width = ((BaseFixedWidthVector) expected).getTypeWidth();
        for (int row = 0; row < expected.getValueCount(); row++) {
            if (expected.isNull(row)) {
                continue;
            }
            long offset = (long) row * width;
            long expectedBits = width == 4 ? expected.getDataBuffer().getInt(offset) : expected.getDataBuffer().getLong(offset);
            long actualBits = width == 4 ? actual.getDataBuffer().getInt(offset) : actual.getDataBuffer().getLong(offset);
            boolean bothNaN = width == 4
                    ? Float.isNaN(Float.intBitsToFloat((int) expectedBits)) && Float.isNaN(Float.intBitsToFloat((int) actualBits))
                    : Double.isNaN(Double.longBitsToDouble(expectedBits)) && Double.isNaN(Double.longBitsToDouble(actualBits));
            if (expectedBits != actualBits && !bothNaN) {
                fail(context + ", row " + row + ": expected bits 0x" + Long.toHexString(expectedBits) + " but got 0x"
                        + Long.toHexString(actualBits));
            }
        }
    }

    /** Columns of {@link RandomPrograms#INPUTS} in {@code allocator}, a tenth of the values null. */
    static List<FieldVector> inputs(RandomPrograms programs, Random random, int rows, BufferAllocator allocator) {
        List<FieldVector> columns = new ArrayList<>();
        try {
            for (DataType type : RandomPrograms.INPUTS) {
                FieldVector vector = ArrowTypes.newVector(type.simpleString(), type, allocator);
                columns.add(vector);
                vector.setInitialCapacity(rows);
                vector.allocateNew();
                for (int row = 0; row < rows; row++) {
                    if (random.nextInt(10) == 0) {
                        vector.setNull(row);
                    } else {
                        set(vector, row, programs.edgeValue(type));
                    }
                }
                vector.setValueCount(rows);
            }
            return columns;
        } catch (RuntimeException e) {
            columns.forEach(FieldVector::close);
            throw e;
        }
    }

    private static void set(FieldVector vector, int row, Object value) {
        if (vector instanceof BitVector v) {
            v.setSafe(row, (Boolean) value ? 1 : 0);
        } else if (vector instanceof TinyIntVector v) {
            v.setSafe(row, (Byte) value);
        } else if (vector instanceof SmallIntVector v) {
            v.setSafe(row, (Short) value);
        } else if (vector instanceof IntVector v) {
            v.setSafe(row, (Integer) value);
        } else if (vector instanceof DateDayVector v) {
            v.setSafe(row, (Integer) value);
        } else if (vector instanceof BigIntVector v) {
            v.setSafe(row, (Long) value);
        } else if (vector instanceof TimeStampVector v) {
            v.setSafe(row, (Long) value);
        } else if (vector instanceof Float4Vector v) {
            v.setSafe(row, (Float) value);
        } else if (vector instanceof Float8Vector v) {
            v.setSafe(row, (Double) value);
        } else {
            throw new IllegalArgumentException("no values for " + vector.getClass().getSimpleName());
        }
    }
}
