package dev.ember.device.conformance;

import static dev.ember.device.conformance.RandomDecimalPrograms.decimal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.expr.SupportLevel;
import dev.ember.columnar.ArrowTypes;
import dev.ember.device.host.HostDevice;
import dev.ember.expr.CompilerSettings;
import dev.ember.expr.ExpressionCompiler;
import dev.ember.expr.Program;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.catalyst.expressions.Abs;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.BRound;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.Divide;
import org.apache.spark.sql.catalyst.expressions.EvalMode$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.MakeDecimal;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.NumericEvalContext;
import org.apache.spark.sql.catalyst.expressions.Remainder;
import org.apache.spark.sql.catalyst.expressions.Round;
import org.apache.spark.sql.catalyst.expressions.Subtract;
import org.apache.spark.sql.catalyst.expressions.UnaryMinus;
import org.apache.spark.sql.catalyst.expressions.UnscaledValue;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.Metadata;
import org.junit.jupiter.api.Test;
import scala.Enumeration;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Decimals in the CUDA interpreter kernel: {@link HostDevice} and the CUDA device (the emulator, or
 * a real GPU with {@code -Dember.test.realGpu=true}) evaluate the same seeded random decimal
 * programs over the same random managed-memory inputs of {@link RandomDecimalPrograms#INPUTS} and
 * must give identical vectors, or the same error (class and message). Programs the kernel covers
 * must run on it; those it refuses must fall back to the host with one of the documented reasons.
 */
class TestDecimalKernelConformance extends EmulatorConformance {

    private static final int[] SIZES = {0, 1, 7, 257, 3_000};
    private static final int PROGRAMS = 220;
    private static final int EDGE_ROWS = 5_000;
    /** The words of the reasons {@code DecimalEncoding} gives for the shapes it refuses. */
    private static final List<String> REFUSALS = List.of("wider than 256 bits", "integral quotient of more than 39",
            "Double.toString", "correctly rounded conversion", "range check of wide decimals");

    @Test
    void randomDecimalProgramsMatchTheHostInterpreter() {
        Random random = new Random(seed);
        RandomDecimalPrograms programs = new RandomDecimalPrograms(random);
        ExpressionCompiler compiler = compiler();
        int checks = 0;
        int errors = 0;
        int covered = 0;
        Map<String, Integer> refused = new TreeMap<>();
        for (int index = 0; index < PROGRAMS; index++) {
            Expression expression = programs.generate(1 + random.nextInt(3));
            SupportLevel support = compiler.support(expression, attributes());
            if (!support.isCompatible()) {
                refused.merge("compiler: " + support.reason(), 1, Integer::sum);
                continue;
            }
            Program program = compiler.compile(expression, attributes());
            Optional<String> reason = cuda.expressionKernelUnsupportedReason(program);
            reason.ifPresent(text -> assertTrue(REFUSALS.stream().anyMatch(text::contains),
                    () -> "the kernel refuses " + program + " for an undocumented reason: " + text));
            if (reason.isPresent()) {
                refused.merge(REFUSALS.stream().filter(reason.get()::contains).findFirst().orElseThrow(), 1, Integer::sum);
            } else {
                covered++;
            }
            for (int rows : SIZES) {
                long kernelBefore = cuda.kernelExpressionEvaluations();
                long hostBefore = cuda.hostExpressionEvaluations();
                List<FieldVector> inputs = inputs(programs, random, rows);
                try {
                    boolean failed = compare(program, inputs, rows, "program " + index + " " + expression.sql() + " = "
                            + program + " over " + rows + " rows, seed " + seed);
                    checks++;
                    errors += failed ? 1 : 0;
                } finally {
                    inputs.forEach(FieldVector::close);
                }
                assertEquals(reason.isEmpty() ? 1 : 0, cuda.kernelExpressionEvaluations() - kernelBefore,
                        () -> program + " ran the kernel exactly when the kernel covers it");
                assertEquals(reason.isEmpty() ? 0 : 1, cuda.hostExpressionEvaluations() - hostBefore,
                        () -> program + " fell back to the host exactly when the kernel refuses it");
            }
        }
        System.out.println("TestDecimalKernelConformance: " + checks + " checks, " + errors + " raised Spark's error; "
                + covered + " programs on the kernel; not on the kernel: " + refused);
        assertTrue(covered >= PROGRAMS / 2, "most random decimal programs run on the kernel: " + covered);
        assertTrue(errors > 10 && checks - errors > 10, "the programs exercise both errors (" + errors + ") and values ("
                + (checks - errors) + ")");
    }

    /** Directed shapes, each of which must run on the kernel and match the host on edge-heavy data. */
    @Test
    void directedDecimalShapesRunOnTheKernel() {
        Random random = new Random(seed ^ 0xdec);
        RandomDecimalPrograms programs = new RandomDecimalPrograms(random);
        Expression small = column(0);        // decimal(5,2)
        Expression whole = column(1);        // decimal(9,0)
        Expression money = column(3);        // decimal(18,6)
        Expression wide = column(5);         // decimal(38,10)
        Expression integers = column(6);     // decimal(38,0)
        Expression fraction = column(7);     // decimal(10,10)
        Expression longs = column(8);
        Expression compact = column(11);     // decimal(7,3)
        Expression wholeLong = column(13);   // decimal(18,0)
        List<Expression> expressions = new ArrayList<>();
        for (Enumeration.Value mode : List.of(EvalMode$.MODULE$.ANSI(), EvalMode$.MODULE$.LEGACY(),
                EvalMode$.MODULE$.TRY())) {
            expressions.add(new Add(wide, integers, new NumericEvalContext(mode, true)));
            expressions.add(new Subtract(small, wide, new NumericEvalContext(mode, false)));
            expressions.add(new Multiply(wide, wide, new NumericEvalContext(mode, true)));
            expressions.add(new Multiply(money, fraction, new NumericEvalContext(mode, false)));
            expressions.add(new Divide(money, small, new NumericEvalContext(mode, true)));
            expressions.add(new Divide(wide, fraction, new NumericEvalContext(mode, true)));
            expressions.add(new Remainder(money, small, new NumericEvalContext(mode, true)));
            expressions.add(new Remainder(whole, fraction, new NumericEvalContext(mode, true)));
            expressions.add(cast(wide, decimal(10, 2), mode));
            expressions.add(cast(small, decimal(3, 0), mode));
            expressions.add(cast(longs, decimal(12, 4), mode));
            expressions.add(cast(wide, DataTypes.LongType, mode));
            expressions.add(cast(money, DataTypes.IntegerType, mode));
            expressions.add(cast(integers, DataTypes.ByteType, EvalMode$.MODULE$.LEGACY()));
            expressions.add(cast(fraction, DataTypes.DoubleType, mode));
            expressions.add(cast(wholeLong, DataTypes.DoubleType, mode));
            expressions.add(cast(compact, DataTypes.FloatType, mode));
            expressions.add(cast(wholeLong, DataTypes.FloatType, mode));
            expressions.add(cast(wide, DataTypes.BooleanType, mode));
        }
        expressions.add(new UnaryMinus(integers, false));
        expressions.add(new UnaryMinus(money, true));
        expressions.add(new UnaryMinus(new Literal(Decimal.apply(new BigDecimal("9".repeat(35))), decimal(35, 0)), false));
        for (int ordinal : new int[] {0, 1, 3, 4, 5, 6, 7, 12, 13}) {
            expressions.add(new Abs(column(ordinal), true));
            for (int scale : new int[] {-40, -5, -1, 0, 1, 2, 9, 40}) {
                expressions.add(new Round(column(ordinal), new Literal(scale, DataTypes.IntegerType), true));
                expressions.add(new BRound(column(ordinal), new Literal(scale, DataTypes.IntegerType), false));
            }
        }
        expressions.add(new MakeDecimal(longs, 10, 2, true));
        expressions.add(new MakeDecimal(longs, 18, 0, false));
        expressions.add(new UnscaledValue(money));
        expressions.add(new In(money, CollectionConverters.asScala(List.<Expression>of(
                new Literal(Decimal.apply(new BigDecimal("0.000000")), decimal(18, 6)),
                new Literal(null, decimal(18, 6)))).toList()));
        ExpressionCompiler compiler = compiler();
        long kernelBefore = cuda.kernelExpressionEvaluations();
        List<FieldVector> inputs = inputs(programs, random, EDGE_ROWS);
        try {
            for (Expression expression : expressions) {
                Program program = compiler.compile(expression, attributes());
                Optional<String> reason = cuda.expressionKernelUnsupportedReason(program);
                assertTrue(reason.isEmpty(), () -> "the kernel should cover " + program + ": " + reason.orElse(""));
                compare(program, inputs, EDGE_ROWS, expression.sql() + " = " + program + ", seed " + seed);
            }
        } finally {
            inputs.forEach(FieldVector::close);
        }
        assertEquals(expressions.size(), cuda.kernelExpressionEvaluations() - kernelBefore,
                "every evaluation ran the kernel");
    }

    /** Shapes the kernel refuses say why and run on the host interpreter with the same answers. */
    @Test
    void refusedDecimalShapesFallBackWithTheirReason() {
        Random random = new Random(seed ^ 0xfa11);
        RandomDecimalPrograms programs = new RandomDecimalPrograms(random);
        Map<Expression, String> refusals = Map.of(
                new Divide(column(6), new Literal(Decimal.apply(new BigDecimal("0.5"), 38, 38), decimal(38, 38)),
                        new NumericEvalContext(EvalMode$.MODULE$.ANSI(), false)),
                "wider than 256 bits",
                new Remainder(column(6), column(12), new NumericEvalContext(EvalMode$.MODULE$.LEGACY(), true)),
                "integral quotient of more than 39",
                cast(cast(column(9), DataTypes.DoubleType, EvalMode$.MODULE$.LEGACY()), decimal(12, 4),
                        EvalMode$.MODULE$.ANSI()), "Double.toString",
                cast(column(4), DataTypes.DoubleType, EvalMode$.MODULE$.LEGACY()), "correctly rounded conversion",
                cast(column(5), DataTypes.IntegerType, EvalMode$.MODULE$.ANSI()), "range check of wide decimals");
        ExpressionCompiler compiler = compiler();
        long hostBefore = cuda.hostExpressionEvaluations();
        long kernelBefore = cuda.kernelExpressionEvaluations();
        List<FieldVector> inputs = inputs(programs, random, 2_000);
        try {
            for (Map.Entry<Expression, String> refusal : refusals.entrySet()) {
                Program program = compiler.compile(refusal.getKey(), attributes());
                String reason = cuda.expressionKernelUnsupportedReason(program).orElseThrow(
                        () -> new AssertionError("the kernel should refuse " + program));
                assertTrue(reason.contains(refusal.getValue()), () -> program + ": " + reason);
                compare(program, inputs, 2_000, refusal.getKey().sql() + " = " + program + ", seed " + seed);
            }
        } finally {
            inputs.forEach(FieldVector::close);
        }
        assertEquals(refusals.size(), cuda.hostExpressionEvaluations() - hostBefore, "every program ran on the host");
        assertEquals(0, cuda.kernelExpressionEvaluations() - kernelBefore, "no program ran the kernel");
    }

    private static ExpressionCompiler compiler() {
        return new ExpressionCompiler(new CompilerSettings(true, "UTC", name -> true));
    }

    private static Expression column(int ordinal) {
        return new BoundReference(ordinal, RandomDecimalPrograms.INPUTS.get(ordinal), true);
    }

    private static Expression cast(Expression child, DataType type, Enumeration.Value mode) {
        return new Cast(child, type, Option.apply("UTC"), mode);
    }

    private static List<Attribute> attributes() {
        List<Attribute> attributes = new ArrayList<>();
        for (int ordinal = 0; ordinal < RandomDecimalPrograms.INPUTS.size(); ordinal++) {
            attributes.add(new AttributeReference("c" + ordinal, RandomDecimalPrograms.INPUTS.get(ordinal), true,
                    Metadata.empty(), NamedExpression.newExprId(), CollectionConverters.asScala(List.<String>of()).toList()));
        }
        return attributes;
    }

    /** Evaluates on both devices and compares; returns whether both raised the (same) error. */
    private boolean compare(Program program, List<FieldVector> inputs, int rows, String context) {
        return VectorAssertions.assertSameEvaluation(host, cuda, program, inputs, rows, allocator, context,
                (expected, actual) -> { });
    }

    /** Managed-memory columns of {@link RandomDecimalPrograms#INPUTS}, a tenth of the values null. */
    private List<FieldVector> inputs(RandomDecimalPrograms programs, Random random, int rows) {
        List<FieldVector> columns = new ArrayList<>();
        try {
            for (DataType type : RandomDecimalPrograms.INPUTS) {
                FieldVector vector = ArrowTypes.newVector(type.simpleString(), type, allocator);
                columns.add(vector);
                vector.setInitialCapacity(rows);
                vector.allocateNew();
                for (int row = 0; row < rows; row++) {
                    if (random.nextInt(10) == 0) {
                        vector.setNull(row);
                    } else if (vector instanceof DecimalVector decimals) {
                        decimals.setSafe(row, programs.edgeValue((DecimalType) type));
                    } else if (vector instanceof BigIntVector longs) {
                        longs.setSafe(row, random.nextInt(3) == 0
                                ? new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 99_999_999_999L}[random.nextInt(6)]
                                : random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(2_000_001) - 1_000_000);
                    } else if (vector instanceof IntVector ints) {
                        ints.setSafe(row, random.nextInt(3) == 0
                                ? new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}[random.nextInt(5)]
                                : random.nextInt(20_001) - 10_000);
                    } else if (vector instanceof BitVector booleans) {
                        booleans.setSafe(row, random.nextInt(2));
                    } else {
                        throw new IllegalArgumentException("no values for " + type);
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
}
