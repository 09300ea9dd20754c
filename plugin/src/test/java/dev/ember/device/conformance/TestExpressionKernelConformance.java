package dev.ember.device.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ember.columnar.ArrowTypes;
import dev.ember.device.Device;
import dev.ember.device.host.HostDevice;
import dev.ember.device.cuda.CudaDevice;
import dev.ember.expr.CompilerSettings;
import dev.ember.expr.ExpressionCompiler;
import dev.ember.expr.Program;
import dev.ember.catalog.SupportLevel;
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
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.DayOfMonth;
import org.apache.spark.sql.catalyst.expressions.Divide;
import org.apache.spark.sql.catalyst.expressions.EvalMode$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.NumericEvalContext;
import org.apache.spark.sql.catalyst.expressions.Remainder;
import org.apache.spark.sql.catalyst.expressions.UnaryMinus;
import org.apache.spark.sql.catalyst.expressions.Year;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import scala.Enumeration;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code evaluate} on {@link HostDevice} and on the CUDA device's interpreter kernel (the emulator,
 * or a real GPU with {@code -Dember.test.realGpu=true}): the same seeded random programs over the
 * same random managed-memory inputs must give bit-identical values, identical null masks, and the
 * same error (class and message) or none. Sizes cover empty, one row, a partial block, one past a
 * block, and more than one grid's worth of grid-stride iterations (a grid covers
 * {@link EmulatorDevice#MAX_BLOCKS_PER_GRID} * 256 threads * 8 rows).
 */
class TestExpressionKernelConformance {

    private static final int[] SIZES = {0, 1, 7, 257, 20_000};
    private static final int PROGRAMS = 180;

    private static long seed;
    private static Device host;
    private static CudaDevice cuda;

    private BufferAllocator allocator;

    @BeforeAll
    static void openDevices() {
        seed = Long.getLong("ember.test.seed", System.nanoTime());
        System.out.println("TestExpressionKernelConformance seed: " + seed + " (replay with -Dember.test.seed="
                + seed + ")");
        host = new HostDevice();
        cuda = (CudaDevice) EmulatorDevice.opened().device();
    }

    @BeforeEach
    void newAllocator() {
        allocator = EmulatorDevice.newAllocator("expression-conformance");
    }

    @AfterEach
    void closeAllocator() {
        allocator.close();  // fails the test when an evaluation leaked a buffer
    }

    @Test
    void randomProgramsMatchTheHostInterpreter() {
        Random random = new Random(seed);
        RandomPrograms programs = new RandomPrograms(random);
        ExpressionCompiler compiler = new ExpressionCompiler(new CompilerSettings(true, "UTC", name -> true));
        List<Attribute> attributes = attributes();
        long kernelCallsBefore = cuda.kernelExpressionEvaluations();
        long hostCallsBefore = cuda.hostExpressionEvaluations();
        int checks = 0;
        int errors = 0;
        int values = 0;
        for (int index = 0; index < PROGRAMS; index++) {
            DataType type = RandomPrograms.RESULTS.get(index % RandomPrograms.RESULTS.size());
            Expression expression = programs.generate(type, 1 + random.nextInt(4));
            SupportLevel support = compiler.support(expression, attributes);
            assertTrue(support.isCompatible(), () -> expression.sql() + " should compile: " + support.reason());
            Program program = compiler.compile(expression, attributes);
            Optional<String> reason = cuda.expressionKernelUnsupportedReason(program);
            assertTrue(reason.isEmpty(), () -> "the kernel should cover " + program + ": " + reason.orElse(""));
            for (int rows : SIZES) {
                List<FieldVector> inputs = inputs(programs, random, rows);
                try {
                    String context = "program " + index + " " + expression.sql() + " = " + program + " over " + rows
                            + " rows, seed " + seed;
                    boolean failed = compare(program, inputs, rows, context);
                    checks++;
                    errors += failed ? 1 : 0;
                    values += failed ? 0 : 1;
                } finally {
                    inputs.forEach(FieldVector::close);
                }
            }
        }
        System.out.println("TestExpressionKernelConformance: " + checks + " checks, " + errors + " raised Spark's error, "
                + values + " gave values");
        assertEquals((long) checks, cuda.kernelExpressionEvaluations() - kernelCallsBefore,
                "every evaluation ran the kernel");
        assertEquals(0, cuda.hostExpressionEvaluations() - hostCallsBefore, "no evaluation fell back to the host");
        assertTrue(errors > 10 && values > 10, "the random programs exercise both errors (" + errors
                + ") and values (" + values + ")");
    }

    /** Directed cases: C++ traps or undefined behaviour where Java wraps, and Spark's lazy branches. */
    @Test
    void edgeCasesMatchTheHostInterpreter() {
        Random random = new Random(seed ^ 0xed9e);
        RandomPrograms programs = new RandomPrograms(random);
        Expression longs = new BoundReference(5, RandomPrograms.LONG, true);
        Expression ints = new BoundReference(3, RandomPrograms.INT, true);
        Expression doubles = new BoundReference(8, RandomPrograms.DOUBLE, true);
        Expression floats = new BoundReference(7, RandomPrograms.FLOAT, true);
        Expression minusOne = new Literal(-1L, RandomPrograms.LONG);
        List<Expression> expressions = List.of(
                new Remainder(longs, minusOne, context(EvalMode$.MODULE$.ANSI())),
                new Multiply(longs, minusOne, context(EvalMode$.MODULE$.LEGACY())),
                new Multiply(minusOne, longs, context(EvalMode$.MODULE$.TRY())),
                new UnaryMinus(longs, false),
                new UnaryMinus(ints, false),
                new Cast(doubles, RandomPrograms.LONG, Option.apply("UTC"), EvalMode$.MODULE$.LEGACY()),
                new Cast(floats, RandomPrograms.INT, Option.apply("UTC"), EvalMode$.MODULE$.LEGACY()),
                new Cast(doubles, RandomPrograms.SHORT, Option.apply("UTC"), EvalMode$.MODULE$.TRY()),
                new Remainder(doubles, doubles, context(EvalMode$.MODULE$.LEGACY())),
                new If(new IsNull(doubles), new Literal(0.0, RandomPrograms.DOUBLE),
                        new Divide(new Literal(1.0, RandomPrograms.DOUBLE), doubles, context(EvalMode$.MODULE$.ANSI()))),
                new Year(new BoundReference(10, RandomPrograms.DATE, true)),
                new DayOfMonth(new BoundReference(10, RandomPrograms.DATE, true)));
        ExpressionCompiler compiler = new ExpressionCompiler(new CompilerSettings(true, "UTC", name -> true));
        long kernelCallsBefore = cuda.kernelExpressionEvaluations();
        List<FieldVector> inputs = inputs(programs, random, 20_000);
        try {
            for (Expression expression : expressions) {
                Program program = compiler.compile(expression, attributes());
                compare(program, inputs, 20_000, expression.sql() + " = " + program + ", seed " + seed);
            }
        } finally {
            inputs.forEach(FieldVector::close);
        }
        assertEquals(expressions.size(), cuda.kernelExpressionEvaluations() - kernelCallsBefore,
                "every evaluation ran the kernel");
    }

    /** Programs the kernel does not cover (casts from strings, casts of doubles to decimals) run on the host interpreter, and say why. */
    @Test
    void programsOutsideTheKernelRunOnTheHost() {
        ExpressionCompiler compiler = new ExpressionCompiler(new CompilerSettings(true, "UTC", name -> true));
        List<Attribute> attributes = List.of(attribute("text", DataTypes.StringType),
                attribute("money", DataTypes.createDecimalType(9, 2)));
        Program length = compiler.compile(new Cast(new BoundReference(0, DataTypes.StringType, true),
                DataTypes.IntegerType, Option.apply("UTC"), EvalMode$.MODULE$.LEGACY()), attributes);
        Program money = compiler.compile(new Cast(new Cast(new BoundReference(1, DataTypes.createDecimalType(9, 2), true),
                DataTypes.DoubleType, Option.apply("UTC"), EvalMode$.MODULE$.ANSI()), DataTypes.createDecimalType(9, 2),
                Option.apply("UTC"), EvalMode$.MODULE$.ANSI()), attributes);
        assertTrue(cuda.expressionKernelUnsupportedReason(length).orElseThrow().contains("string"),
                cuda.expressionKernelUnsupportedReason(length).toString());
        assertTrue(cuda.expressionKernelUnsupportedReason(money).orElseThrow().contains("Double.toString"),
                cuda.expressionKernelUnsupportedReason(money).toString());
        long hostCallsBefore = cuda.hostExpressionEvaluations();
        long kernelCallsBefore = cuda.kernelExpressionEvaluations();
        try (VarCharVector text = new VarCharVector("text", allocator);
                DecimalVector decimals = new DecimalVector("money", allocator, 9, 2)) {
            text.allocateNew(3);
            text.setSafe(0, "ember".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            text.setNull(1);
            text.setSafe(2, "日本".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            text.setValueCount(3);
            decimals.allocateNew(3);
            decimals.setSafe(0, new java.math.BigDecimal("1.25"));
            decimals.setNull(1);
            decimals.setSafe(2, new java.math.BigDecimal("-9999999.99"));
            decimals.setValueCount(3);
            List<FieldVector> inputs = List.of(text, decimals);
            compare(length, inputs, 3, "cast of a string on the host");
            compare(money, inputs, 3, "double to decimal on the host");
        }
        assertEquals(2, cuda.hostExpressionEvaluations() - hostCallsBefore, "both programs ran on the host");
        assertEquals(0, cuda.kernelExpressionEvaluations() - kernelCallsBefore, "no program ran the kernel");
    }

    /** Input columns the program does not read may be of any type, even one the kernel cannot read. */
    @Test
    void unreadInputsOfOtherTypesAreNotTouched() {
        ExpressionCompiler compiler = new ExpressionCompiler(new CompilerSettings(true, "UTC", name -> true));
        DataType arrays = DataTypes.createArrayType(DataTypes.IntegerType);
        List<Attribute> attributes = List.of(attribute("unread", arrays), attribute("number", DataTypes.IntegerType));
        Program program = compiler.compile(new Add(attributes.get(1), new Literal(1, DataTypes.IntegerType),
                context(EvalMode$.MODULE$.ANSI())), attributes);
        long kernelCallsBefore = cuda.kernelExpressionEvaluations();
        try (ListVector unread = ListVector.empty("unread", allocator);
                IntVector numbers = new IntVector("number", allocator)) {
            unread.allocateNew();
            unread.setValueCount(3);
            numbers.allocateNew(3);
            numbers.set(0, 41);
            numbers.setNull(1);
            numbers.set(2, Integer.MAX_VALUE);
            numbers.setValueCount(3);
            List<FieldVector> inputs = List.of(unread, numbers);
            assertTrue(!compare(program, inputs, 2, "int + 1 beside an array column"), "no error on the first two rows");
            assertTrue(compare(program, inputs, 3, "int + 1 beside an array column"), "MAX_VALUE + 1 overflows");
        }
        assertEquals(2, cuda.kernelExpressionEvaluations() - kernelCallsBefore, "the kernel ran both");
    }

    private static NumericEvalContext context(Enumeration.Value mode) {
        return new NumericEvalContext(mode, true);
    }

    private static AttributeReference attribute(String name, DataType type) {
        return new AttributeReference(name, type, true, Metadata.empty(), NamedExpression.newExprId(),
                CollectionConverters.asScala(List.<String>of()).toList());
    }

    private static List<Attribute> attributes() {
        List<Attribute> attributes = new ArrayList<>();
        for (int ordinal = 0; ordinal < RandomPrograms.INPUTS.size(); ordinal++) {
            attributes.add(attribute("c" + ordinal, RandomPrograms.INPUTS.get(ordinal)));
        }
        return attributes;
    }

    /** Evaluates on both devices and compares; returns whether both raised the (same) error. */
    private boolean compare(Program program, List<FieldVector> inputs, int rows, String context) {
        return VectorAssertions.assertSameEvaluation(host, cuda, program, inputs, rows, allocator, context,
                (expected, actual) -> assertSameBits(expected, actual, context));
    }

    /**
     * Floating point values compared by their bits: -0.0 differs from 0.0. NaN payloads and signs are
     * not compared: Java's JIT picks the operand order of commutative instructions (and so which
     * NaN's payload x86 propagates) and GPUs return one canonical NaN, while Spark treats every NaN
     * as the same value.
     */
    private static void assertSameBits(FieldVector expected, FieldVector actual, String context) {
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

    /** Managed-memory columns of {@link RandomPrograms#INPUTS}, a tenth of the values null. */
    private List<FieldVector> inputs(RandomPrograms programs, Random random, int rows) {
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
