package dev.ember.device.conformance;

import static dev.ember.device.conformance.RandomStrings.INT;
import static dev.ember.device.conformance.RandomStrings.STRING;
import static dev.ember.device.conformance.RandomStrings.stringLiteral;
import static dev.ember.device.conformance.VectorAssertions.assertSameVector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ember.device.host.HostDevice;
import dev.ember.expr.CompilerSettings;
import dev.ember.expr.ExpressionCompiler;
import dev.ember.expr.Program;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.Coalesce;
import org.apache.spark.sql.catalyst.expressions.Concat;
import org.apache.spark.sql.catalyst.expressions.Contains;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.EvalMode$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;
import org.apache.spark.sql.catalyst.expressions.Length;
import org.apache.spark.sql.catalyst.expressions.LessThan;
import org.apache.spark.sql.catalyst.expressions.Like;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Lower;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.Not;
import org.apache.spark.sql.catalyst.expressions.StartsWith;
import org.apache.spark.sql.catalyst.expressions.Substring;
import org.apache.spark.sql.catalyst.expressions.Upper;
import org.apache.spark.sql.types.Metadata;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Strings in the CUDA expression kernel (the emulator, or a real GPU with
 * {@code -Dember.test.realGpu=true}) against {@link HostDevice}: seeded random predicates,
 * lengths and string results over random strings (empty, multi-byte and 4-byte UTF-8, LIKE
 * metacharacters, nulls), with substrings at positions 0, negative and beyond the end, must give
 * identical result vectors, and the kernel must really have run them. Shapes the kernel refuses
 * (casts from and to strings) and LIKE over malformed UTF-8 run on the host, counted there.
 */
class TestStringExpressionKernelConformance extends EmulatorConformance {

    private static final int[] SIZES = {0, 1, 7, 257, 5_000};
    private static final int PROGRAMS = 160;

    @Test
    void randomStringProgramsRunOnTheKernelAndMatchTheHost() {
        Random random = new Random(seed);
        RandomStrings strings = new RandomStrings(random);
        long kernelBefore = cuda.kernelExpressionEvaluations();
        long hostBefore = cuda.hostExpressionEvaluations();
        int checks = 0;
        int trueRows = 0;
        for (int index = 0; index < PROGRAMS; index++) {
            int depth = 1 + random.nextInt(3);
            Expression expression = switch (index % 5) {
                case 3 -> strings.string(depth);
                case 4 -> strings.length(depth);
                default -> strings.predicate(depth);
            };
            Program program = kernelProgram(expression);
            for (int rows : SIZES) {
                List<FieldVector> inputs = inputs(strings, random, rows);
                try {
                    trueRows += compare(program, inputs, rows, "program " + index + " " + expression.sql() + " = "
                            + program + " over " + rows + " rows, seed " + seed);
                    checks++;
                } finally {
                    inputs.forEach(FieldVector::close);
                }
            }
        }
        System.out.println("TestStringExpressionKernelConformance: " + checks + " checks, " + trueRows
                + " rows true or non-zero");
        assertEquals((long) checks, cuda.kernelExpressionEvaluations() - kernelBefore, "every evaluation ran the kernel");
        assertEquals(0, cuda.hostExpressionEvaluations() - hostBefore, "no evaluation fell back to the host");
        assertTrue(trueRows > 1_000, "the random programs are not all false: " + trueRows);
    }

    /**
     * The TPC-H shapes: Q22's substring IN list and its substring projection, Q13's NOT LIKE, Q16's
     * LIKE prefix, literal comparisons, and string results from inputs, conditionals and constants.
     */
    @Test
    void tpchShapesRunOnTheKernel() {
        Random random = new Random(seed ^ 0x7c4);
        Expression phone = new BoundReference(0, STRING, true);
        Expression comment = new BoundReference(1, STRING, true);
        List<Expression> countries = new ArrayList<>();
        for (String code : List.of("13", "31", "23", "29", "30", "18", "17")) {
            countries.add(stringLiteral(code));
        }
        List<Expression> expressions = List.of(
                new In(new Substring(phone, new Literal(1, INT), new Literal(2, INT)),
                        CollectionConverters.asScala(countries).toList()),
                new Not(new Like(comment, stringLiteral("%special%requests%"), '\\')),
                new Like(comment, stringLiteral("PROMO%"), '\\'),
                new Like(comment, stringLiteral("%a_b%"), '\\'),
                new LessThan(comment, stringLiteral("b")),
                new EqualTo(phone, stringLiteral("13")),
                new StartsWith(comment, stringLiteral("ab")),
                new Contains(comment, stringLiteral("日")),
                new IsNotNull(new Substring(phone, new Literal(-2, INT), new Literal(Integer.MAX_VALUE, INT))),
                new Length(new Substring(comment, new Literal(0, INT), new Literal(3, INT))),
                new Substring(phone, new Literal(1, INT), new Literal(2, INT)),
                new If(new IsNotNull(comment), comment, stringLiteral("none")),
                stringLiteral("constant 日本"),
                // a list of nothing but null: an empty list of strings plus the null flag (seed 17576954051083)
                new In(phone, CollectionConverters.asScala(List.<Expression>of(new Literal(null, STRING))).toList()));
        long kernelBefore = cuda.kernelExpressionEvaluations();
        List<FieldVector> inputs = inputs(new RandomStrings(random), random, 20_000);
        try {
            for (Expression expression : expressions) {
                compare(kernelProgram(expression), inputs, 20_000, expression.sql() + ", seed " + seed);
            }
        } finally {
            inputs.forEach(FieldVector::close);
        }
        assertEquals(expressions.size(), cuda.kernelExpressionEvaluations() - kernelBefore,
                "every evaluation ran the kernel");
    }

    /**
     * A string IN list of nothing but null is encoded as an element count of 0 (the kernel reads the count
     * first; without it, it read the words after the list, which a random program once matched).
     */
    @Test
    void stringListOfOnlyNullEncodesItsCount() {
        Expression phone = new BoundReference(0, STRING, true);
        Program program = kernelProgram(new In(phone,
                CollectionConverters.asScala(List.<Expression>of(new Literal(null, STRING))).toList()));
        long[] words = dev.ember.device.cuda.ExpressionProgramEncoder.encode(program);
        int in = (int) words[0] - 1;
        assertEquals(1, words[1 + 4 * in + 3], "the IN instruction carries one constant word");
        assertEquals(0, words[(int) words[1 + 4 * in + 2]], "and that word is the element count 0");
    }

    /**
     * Malformed UTF-8: LENGTH, SUBSTRING and byte comparisons count characters by lead bytes on both
     * sides and stay on the kernel; LIKE, which decodes code points, sends the batch to the host.
     */
    @Test
    void malformedUtf8MatchesTheHost() {
        byte[][] texts = {{(byte) 0xFF}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {'a', (byte) 0xF0, (byte) 0x9F}, {(byte) 0xE6, (byte) 0x97, 'b'}, {(byte) 0x80, 'a'},
            {(byte) 0xF5, 'x', 'y', 'z'}, {'a', 'b', (byte) 0xE2, (byte) 0x82}, RandomStrings.utf8("a日b")};
        Expression text = new BoundReference(0, STRING, true);
        List<Expression> kernelShapes = List.of(new Length(text),
                new Length(new Substring(text, new Literal(2, INT), new Literal(2, INT))),
                new EqualTo(new Substring(text, new Literal(-1, INT), new Literal(1, INT)), stringLiteral("b")),
                new LessThan(text, stringLiteral("\u00e9")), new Contains(text, stringLiteral("b")));
        try (VarCharVector column = new VarCharVector("text", allocator);
                IntVector numbers = new IntVector("number", allocator)) {
            column.allocateNew(texts.length);
            numbers.allocateNew(texts.length);
            for (int row = 0; row < texts.length; row++) {
                column.setSafe(row, texts[row]);
                numbers.set(row, row);
            }
            column.setValueCount(texts.length);
            numbers.setValueCount(texts.length);
            List<FieldVector> inputs = List.of(column, column, column, numbers, numbers);
            long kernelBefore = cuda.kernelExpressionEvaluations();
            for (Expression expression : kernelShapes) {
                compare(kernelProgram(expression), inputs, texts.length, expression.sql() + " over malformed UTF-8");
            }
            assertEquals(kernelShapes.size(), cuda.kernelExpressionEvaluations() - kernelBefore, "the kernel ran them");
            long hostBefore = cuda.hostExpressionEvaluations();
            for (String pattern : List.of("%", "_", "__", "a%", "%b", "_b")) {
                Expression like = new Like(text, stringLiteral(pattern), '\\');
                compare(kernelProgram(like), inputs, texts.length, like.sql() + " over malformed UTF-8");
            }
            assertEquals(6, cuda.hostExpressionEvaluations() - hostBefore, "LIKE over malformed UTF-8 ran on the host");
        }
    }

    /**
     * UPPER, LOWER and CONCAT make strings in the kernel's arena: over ASCII text, nested in each other, in
     * conditionals, comparisons and lengths, they run on the kernel; UPPER or LOWER of text that is not
     * ASCII sends its batch to the host (Spark's own case mapping), while CONCAT, which decodes nothing,
     * stays on the kernel over any bytes.
     */
    @Test
    void computedStringsRunOnTheKernel() {
        Random random = new Random(seed ^ 0xca5e);
        Expression first = new BoundReference(0, STRING, true);
        Expression second = new BoundReference(1, STRING, true);
        List<Expression> expressions = List.of(
                new Upper(first),
                new Lower(second),
                new Concat(seq(first, stringLiteral("-"), second)),
                new Concat(seq(first)),
                new Concat(seq(new Upper(first), new Substring(new Lower(second), new Literal(1, INT),
                        new Literal(2, INT)), first, stringLiteral(""))),
                new If(new IsNotNull(first), new Upper(first), new Lower(second)),
                new EqualTo(new Upper(first), stringLiteral("ABC")),
                new Length(new Concat(seq(first, second, first))),
                new Coalesce(seq(new Concat(seq(first, second)), new Upper(second), stringLiteral("none"))));
        String alphabet = "abcXYZ 09_%\\\t~";
        int rows = 20_000;
        try (VarCharVector ascii = new VarCharVector("ascii", allocator);
                VarCharVector other = new VarCharVector("other", allocator);
                IntVector numbers = new IntVector("number", allocator)) {
            ascii.allocateNew(rows);
            other.allocateNew(rows);
            numbers.allocateNew(rows);
            RandomStrings strings = new RandomStrings(random);
            for (int row = 0; row < rows; row++) {
                if (random.nextInt(10) == 0) {
                    ascii.setNull(row);
                } else {
                    StringBuilder word = new StringBuilder();
                    for (int i = random.nextInt(8); i > 0; i--) {
                        word.append(alphabet.charAt(random.nextInt(alphabet.length())));
                    }
                    ascii.setSafe(row, RandomStrings.utf8(word.toString()));
                }
                other.setSafe(row, RandomStrings.utf8(row == rows / 2 ? "日本" : strings.text()));
                numbers.set(row, row);
            }
            ascii.setValueCount(rows);
            other.setValueCount(rows);
            numbers.setValueCount(rows);
            long kernelBefore = cuda.kernelExpressionEvaluations();
            List<FieldVector> asciiInputs = List.of(ascii, ascii, ascii, numbers, numbers);
            for (Expression expression : expressions) {
                compare(kernelProgram(expression), asciiInputs, rows, expression.sql() + " over ASCII, seed " + seed);
            }
            assertEquals(expressions.size(), cuda.kernelExpressionEvaluations() - kernelBefore, "the kernel ran them");
            List<FieldVector> mixed = List.of(other, ascii, ascii, numbers, numbers);
            kernelBefore = cuda.kernelExpressionEvaluations();
            compare(kernelProgram(new Concat(seq(first, second, first))), mixed, rows, "concat of any UTF-8");
            assertEquals(1, cuda.kernelExpressionEvaluations() - kernelBefore, "concat of any bytes stays on the kernel");
            long hostBefore = cuda.hostExpressionEvaluations();
            compare(kernelProgram(new Upper(first)), mixed, rows, "upper of non-ASCII text");
            compare(kernelProgram(new Lower(first)), mixed, rows, "lower of non-ASCII text");
            assertEquals(2, cuda.hostExpressionEvaluations() - hostBefore, "non-ASCII case mapping ran on the host");
        }
    }

    private static scala.collection.immutable.Seq<Expression> seq(Expression... values) {
        return CollectionConverters.asScala(List.of(values)).toList();
    }

    /** Casts from and to strings stay on the host interpreter, with the reason. */
    @Test
    void refusedStringShapesRunOnTheHostAndSayWhy() {
        Random random = new Random(seed ^ 0x5eed);
        Expression text = new BoundReference(0, STRING, true);
        List<Expression> refused = List.of(
                new Cast(new BoundReference(3, INT, true), STRING, Option.apply("UTC"), EvalMode$.MODULE$.ANSI()),
                new Cast(text, INT, Option.apply("UTC"), EvalMode$.MODULE$.LEGACY()));
        List<String> reasons = List.of("casts from int to string", "casts from string to int");
        ExpressionCompiler compiler = compiler();
        long hostBefore = cuda.hostExpressionEvaluations();
        long kernelBefore = cuda.kernelExpressionEvaluations();
        List<FieldVector> inputs = inputs(new RandomStrings(random), random, 300);
        try {
            for (int i = 0; i < refused.size(); i++) {
                Program program = compiler.compile(refused.get(i), attributes());
                String reason = cuda.expressionKernelUnsupportedReason(program).orElseThrow();
                assertTrue(reason.contains(reasons.get(i)), reason);
                compare(program, inputs, 300, refused.get(i).sql() + " on the host");
            }
        } finally {
            inputs.forEach(FieldVector::close);
        }
        assertEquals(refused.size(), cuda.hostExpressionEvaluations() - hostBefore, "all ran on the host");
        assertEquals(0, cuda.kernelExpressionEvaluations() - kernelBefore, "none ran the kernel");
    }

    private Program kernelProgram(Expression expression) {
        Program program = compiler().compile(expression, attributes());
        Optional<String> reason = cuda.expressionKernelUnsupportedReason(program);
        assertTrue(reason.isEmpty(), () -> "the kernel should cover " + expression.sql() + " = " + program + ": "
                + reason.orElse(""));
        return program;
    }

    private static ExpressionCompiler compiler() {
        return new ExpressionCompiler(new CompilerSettings(true, "UTC", name -> true));
    }

    private static List<Attribute> attributes() {
        List<Attribute> attributes = new ArrayList<>();
        for (int ordinal = 0; ordinal < RandomStrings.INPUTS.size(); ordinal++) {
            attributes.add(new AttributeReference("c" + ordinal, RandomStrings.INPUTS.get(ordinal), true,
                    Metadata.empty(), NamedExpression.newExprId(),
                    CollectionConverters.asScala(List.<String>of()).toList()));
        }
        return attributes;
    }

    /**
     * Evaluates on both devices and requires identical vectors (or the same error); returns the rows
     * that are true or non-zero, so that a test can tell it did not only compare falses.
     */
    private int compare(Program program, List<FieldVector> inputs, int rows, String context) {
        int[] nonZero = {0};
        VectorAssertions.assertSameEvaluation(host, cuda, program, inputs, rows, allocator, context,
                (expected, actual) -> {
                    for (int row = 0; row < rows; row++) {
                        Object value = expected.getObject(row);
                        nonZero[0] += Boolean.TRUE.equals(value) || (value instanceof Integer number && number != 0)
                                ? 1 : 0;
                    }
                });
        return nonZero[0];
    }

    /** Managed-memory columns of {@link RandomStrings#INPUTS}, a tenth of the values null. */
    private List<FieldVector> inputs(RandomStrings strings, Random random, int rows) {
        List<FieldVector> columns = new ArrayList<>();
        try {
            for (int ordinal = 0; ordinal < RandomStrings.INPUTS.size(); ordinal++) {
                boolean text = RandomStrings.INPUTS.get(ordinal) == STRING;
                FieldVector vector = text ? new VarCharVector("c" + ordinal, allocator)
                        : new IntVector("c" + ordinal, allocator);
                columns.add(vector);
                vector.setInitialCapacity(rows);
                vector.allocateNew();
                for (int row = 0; row < rows; row++) {
                    if (random.nextInt(10) == 0) {
                        vector.setNull(row);
                    } else if (vector instanceof VarCharVector varChar) {
                        varChar.setSafe(row, RandomStrings.utf8(strings.text()));
                    } else {
                        ((IntVector) vector).setSafe(row, strings.position());
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
