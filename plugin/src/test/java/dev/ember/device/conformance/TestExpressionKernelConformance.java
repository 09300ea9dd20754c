package dev.ember.device.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.device.host.HostDevice;
import dev.ember.expr.CompilerSettings;
import dev.ember.expr.ExpressionCompiler;
import dev.ember.expr.Program;
import java.util.List;
import java.util.Random;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.spark.sql.catalyst.expressions.Abs;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.BRound;
import org.apache.spark.sql.catalyst.expressions.BitwiseAnd;
import org.apache.spark.sql.catalyst.expressions.BitwiseNot;
import org.apache.spark.sql.catalyst.expressions.BitwiseOr;
import org.apache.spark.sql.catalyst.expressions.BitwiseXor;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.DateAdd;
import org.apache.spark.sql.catalyst.expressions.DateDiff;
import org.apache.spark.sql.catalyst.expressions.DateSub;
import org.apache.spark.sql.catalyst.expressions.DayOfMonth;
import org.apache.spark.sql.catalyst.expressions.Divide;
import org.apache.spark.sql.catalyst.expressions.EvalMode$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.NumericEvalContext;
import org.apache.spark.sql.catalyst.expressions.Remainder;
import org.apache.spark.sql.catalyst.expressions.Round;
import org.apache.spark.sql.catalyst.expressions.ShiftLeft;
import org.apache.spark.sql.catalyst.expressions.ShiftRight;
import org.apache.spark.sql.catalyst.expressions.ShiftRightUnsigned;
import org.apache.spark.sql.catalyst.expressions.UnaryMinus;
import org.apache.spark.sql.catalyst.expressions.Year;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DataType;
import org.junit.jupiter.api.Test;
import scala.Enumeration;
import scala.Option;

/**
 * {@code evaluate} on {@link HostDevice} and on the CUDA device's interpreter kernel (the emulator,
 * or a real GPU with {@code -Dember.test.realGpu=true}): the same seeded random programs over the
 * same random managed-memory inputs must give bit-identical values, identical null masks, and the
 * same error (class and message) or none. Sizes cover empty, one row, a partial block, one past a
 * block, and more than one grid's worth of grid-stride iterations (a grid covers
 * {@link EmulatorDevice#MAX_BLOCKS_PER_GRID} * 256 threads * 8 rows).
 */
class TestExpressionKernelConformance extends EmulatorConformance {

    private static final int[] SIZES = {0, 1, 7, 257, 20_000};
    private static final int PROGRAMS = 180;

    @Test
    void randomProgramsMatchTheHostInterpreter() {
        ExpressionChecks.ProgramCounts counts = ExpressionChecks.randomPrograms(
                new DevicePair(host, cuda, allocator, seed), PROGRAMS, SIZES);
        System.out.println("TestExpressionKernelConformance: " + counts.checks() + " checks, " + counts.errors()
                + " raised Spark's error, " + counts.values() + " gave values");
        assertTrue(counts.errors() > 10 && counts.values() > 10, "the random programs exercise both errors ("
                + counts.errors() + ") and values (" + counts.values() + ")");
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

    /**
     * The math family on the kernel: Abs (MIN_VALUE in both modes, -0.0, NaN), the bitwise operators, shifts
     * by distances beyond the width and negative ones (Java takes them modulo the width; C++ leaves them
     * undefined), grouping()'s shape, date arithmetic that wraps, and integral Round/BRound; Round of a double
     * stays on the host and says why.
     */
    @Test
    void mathExpressionsMatchTheHostInterpreter() {
        Random random = new Random(seed ^ 0x3a7);
        RandomPrograms programs = new RandomPrograms(random);
        Expression bytes = new BoundReference(1, RandomPrograms.BYTE, true);
        Expression shorts = new BoundReference(2, RandomPrograms.SHORT, true);
        Expression ints = new BoundReference(3, RandomPrograms.INT, true);
        Expression otherInts = new BoundReference(4, RandomPrograms.INT, true);
        Expression longs = new BoundReference(5, RandomPrograms.LONG, true);
        Expression otherLongs = new BoundReference(6, RandomPrograms.LONG, true);
        Expression floats = new BoundReference(7, RandomPrograms.FLOAT, true);
        Expression doubles = new BoundReference(8, RandomPrograms.DOUBLE, true);
        Expression dates = new BoundReference(10, RandomPrograms.DATE, true);
        List<Expression> expressions = new java.util.ArrayList<>();
        for (Expression value : List.of(bytes, shorts, ints, longs, floats, doubles)) {
            expressions.add(new Abs(value, true));
            expressions.add(new Abs(value, false));
        }
        for (Expression[] pair : new Expression[][] {{bytes, bytes}, {shorts, shorts}, {ints, otherInts},
                {longs, otherLongs}}) {
            expressions.add(new BitwiseAnd(pair[0], pair[1]));
            expressions.add(new BitwiseOr(pair[0], pair[1]));
            expressions.add(new BitwiseXor(pair[0], pair[1]));
            expressions.add(new BitwiseNot(pair[0]));
        }
        for (Expression value : List.of(ints, longs)) {
            expressions.add(new ShiftLeft(value, otherInts));
            expressions.add(new ShiftRight(value, otherInts));
            expressions.add(new ShiftRightUnsigned(value, otherInts));
            for (int by : new int[] {31, 32, 63, 64, 65, -1}) {
                expressions.add(new ShiftLeft(value, new Literal(by, RandomPrograms.INT)));
                expressions.add(new ShiftRightUnsigned(value, new Literal(by, RandomPrograms.INT)));
            }
        }
        expressions.add(new Cast(new BitwiseAnd(new ShiftRight(longs, new Literal(1, RandomPrograms.INT)),
                new Literal(1L, RandomPrograms.LONG)), RandomPrograms.BYTE, Option.apply("UTC"), EvalMode$.MODULE$.ANSI()));
        expressions.add(new DateAdd(dates, ints));
        expressions.add(new DateSub(dates, shorts));
        expressions.add(new DateAdd(dates, bytes));
        expressions.add(new DateDiff(dates, new DateSub(dates, otherInts)));
        for (Expression value : List.of(bytes, shorts, ints, longs)) {
            for (int scale : new int[] {-20, -19, -18, -9, -2, -1, 0, 3}) {
                expressions.add(new Round(value, new Literal(scale, RandomPrograms.INT), true));
                expressions.add(new Round(value, new Literal(scale, RandomPrograms.INT), false));
                expressions.add(new BRound(value, new Literal(scale, RandomPrograms.INT), true));
                expressions.add(new BRound(value, new Literal(scale, RandomPrograms.INT), false));
            }
        }
        ExpressionCompiler compiler = new ExpressionCompiler(new CompilerSettings(true, "UTC", name -> true));
        long kernelCallsBefore = cuda.kernelExpressionEvaluations();
        int errors = 0;
        List<FieldVector> inputs = inputs(programs, random, 20_000);
        try {
            for (Expression expression : expressions) {
                Program program = compiler.compile(expression, attributes());
                assertTrue(cuda.expressionKernelUnsupportedReason(program).isEmpty(),
                        () -> program + ": " + cuda.expressionKernelUnsupportedReason(program));
                errors += compare(program, inputs, 20_000, expression.sql() + " = " + program + ", seed " + seed) ? 1 : 0;
            }
            assertEquals(expressions.size(), cuda.kernelExpressionEvaluations() - kernelCallsBefore,
                    "every evaluation ran the kernel");
            assertTrue(errors > 0, "ANSI Abs and Round overflow on some rows");
            Program roundDouble = compiler.compile(new Round(doubles, new Literal(1, RandomPrograms.INT), true),
                    attributes());
            assertTrue(cuda.expressionKernelUnsupportedReason(roundDouble).orElseThrow().contains("Double.toString"),
                    cuda.expressionKernelUnsupportedReason(roundDouble).toString());
            long hostCallsBefore = cuda.hostExpressionEvaluations();
            compare(roundDouble, inputs, 20_000, "round of a double on the host");
            assertEquals(1, cuda.hostExpressionEvaluations() - hostCallsBefore, "round of a double ran on the host");
        } finally {
            inputs.forEach(FieldVector::close);
        }
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
        return ExpressionChecks.attribute(name, type);
    }

    private static List<Attribute> attributes() {
        return ExpressionChecks.attributes();
    }

    /** Evaluates on both devices and compares; returns whether both raised the (same) error. */
    private boolean compare(Program program, List<FieldVector> inputs, int rows, String context) {
        return ExpressionChecks.compare(new DevicePair(host, cuda, allocator, seed), program, inputs, rows, context);
    }

    private List<FieldVector> inputs(RandomPrograms programs, Random random, int rows) {
        return ExpressionChecks.inputs(programs, random, rows, allocator);
    }
}
