package dev.ember.expr;

import static dev.ember.expr.Conformance.attribute;
import static dev.ember.expr.Conformance.input;
import static dev.ember.expr.Expressions.ANSI;
import static dev.ember.expr.Expressions.context;
import static dev.ember.expr.Expressions.decimal;
import static dev.ember.expr.Expressions.literal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.InitCap;
import org.apache.spark.sql.catalyst.expressions.Like;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** What {@link ExpressionCompiler#support} answers, and the reasons users read. */
class TestExpressionSupport {
    private final ExpressionCompiler compiler = new ExpressionCompiler(new CompilerSettings(true, "UTC", name -> true));

    private static void assertUnsupported(SupportLevel level, String... fragments) {
        assertFalse(level.isCompatible(), "expected unsupported");
        for (String fragment : fragments) {
            assertTrue(level.reason().contains(fragment), () -> "'" + level.reason() + "' should mention " + fragment);
        }
    }

    @Test
    void unknownExpressionNamesItself() {
        AttributeReference text = attribute("name", DataTypes.StringType);
        SupportLevel level = compiler.support(new InitCap(text), List.of(text));
        assertUnsupported(level, "InitCap is not supported by Ember", "initcap(name)");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> compiler.compile(new InitCap(text), List.of(text)));
        assertEquals(level.reason(), error.getMessage());
    }

    @Test
    void nestedUnsupportedExpressionIsTheOneNamed() {
        AttributeReference text = attribute("name", DataTypes.StringType);
        Expression expression = new Like(new InitCap(text), literal(UTF8String.fromString("A%"), DataTypes.StringType),
                '\\');
        assertUnsupported(compiler.support(expression, List.of(text)), "InitCap is not supported");
    }

    @Test
    void disabledExpressionNamesItsKey() {
        ExpressionCompiler noAdd = new ExpressionCompiler(
                new CompilerSettings(true, "UTC", name -> !name.equals("Add")));
        AttributeReference number = attribute("n", DataTypes.IntegerType);
        assertUnsupported(noAdd.support(new Add(number, number, context(ANSI)), List.of(number)),
                "Add is disabled by spark.ember.expression.Add.enabled=false");
        assertTrue(noAdd.support(new Multiply(number, number, context(ANSI)), List.of(number)).isCompatible());
    }

    @Test
    void unsupportedTypesAndCastsSayWhich() {
        AttributeReference time = attribute("t", DataTypes.TimestampType);
        assertUnsupported(compiler.support(new Cast(time, DataTypes.StringType, scala.Option.apply("UTC"), ANSI),
                List.of(time)), "CAST from timestamp to string");
        AttributeReference binary = attribute("b", DataTypes.BinaryType);
        assertUnsupported(compiler.support(new org.apache.spark.sql.catalyst.expressions.Length(binary),
                List.of(binary)), "binary");
        AttributeReference text = attribute("s", DataTypes.StringType);
        assertUnsupported(compiler.support(new Like(text, text, '\\'), List.of(text)),
                "LIKE with a pattern that is not a non-null constant");
        assertUnsupported(compiler.support(new Like(text, literal(UTF8String.fromString("a\\x"),
                DataTypes.StringType), '\\'), List.of(text)), "escape character");
    }

    @Test
    void missingColumnIsReported() {
        AttributeReference present = attribute("present", DataTypes.IntegerType);
        AttributeReference missing = attribute("missing", DataTypes.IntegerType);
        assertUnsupported(compiler.support(new Add(present, missing, context(ANSI)), List.of(present)),
                "missing", "not among the 1 input columns");
    }

    @Test
    void unusedColumnOfUnsupportedTypeIsFine() {
        AttributeReference binary = attribute("b", DataTypes.BinaryType);
        AttributeReference number = attribute("n", DataTypes.IntegerType);
        assertTrue(compiler.support(new Add(number, literal(1, DataTypes.IntegerType), context(ANSI)),
                List.of(binary, number)).isCompatible());
    }

    @Test
    void catalogHasOneEntryPerClassWithKeys() {
        Set<String> names = new HashSet<>();
        for (ExpressionEntry entry : ExpressionCatalog.entries()) {
            assertTrue(names.add(entry.name()), "duplicate entry " + entry.name());
            assertTrue(entry.sparkClassName().endsWith("." + entry.name()), entry.sparkClassName());
            assertEquals("spark.ember.expression." + entry.name() + ".enabled",
                    ExpressionCatalog.enableKey(entry.name()));
        }
        assertTrue(names.containsAll(List.of("Add", "Divide", "Cast", "Like", "InSet", "CaseWhen", "Year")));
    }

    @Test
    void attributesResolveByExpressionIdAndAliasCompilesItsChild() {
        AttributeReference a = attribute("a", DataTypes.IntegerType);
        AttributeReference b = attribute("b", DataTypes.IntegerType);
        Expression sum = new Alias(new Add(b, a, context(ANSI)), "sum", NamedExpression.newExprId(),
                Scala.toSeq(List.of()), scala.Option.empty(), Scala.toSeq(List.of()));
        List<Attribute> inputs = List.of(a, b);
        Program program = compiler.compile(sum, inputs);
        assertEquals(DataTypes.IntegerType, program.resultType());
        try (Conformance conformance = new Conformance(601);
                IntVector left = (IntVector) conformance.vector(DataTypes.IntegerType, List.of(1, 2, Integer.MAX_VALUE));
                IntVector right = (IntVector) conformance.vector(DataTypes.IntegerType, List.of(10, 20, 1))) {
            List<FieldVector> vectors = List.of(left, right);
            try (IntVector result = (IntVector) HostInterpreter.evaluate(program, vectors, 2, conformance.allocator())) {
                assertEquals(11, result.get(0));
                assertEquals(22, result.get(1));
            }
            RuntimeException overflow = assertThrows(RuntimeException.class,
                    () -> HostInterpreter.evaluate(program, vectors, 3, conformance.allocator()).close());
            assertTrue(overflow.getMessage().contains("ARITHMETIC_OVERFLOW"), overflow.getMessage());
        }
    }

    @Test
    void unresolvedExpressionIsUnsupportedNotACrash() {
        Expression unresolved = new org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute(
                Scala.toSeq(List.of("nowhere")));
        assertUnsupported(compiler.support(unresolved, List.of()), "could not compile");
        assertThrows(IllegalArgumentException.class, () -> compiler.compile(unresolved, List.of()));
    }

    @Test
    void constantProgramNeedsNoInputs() {
        Program program = compiler.compile(new Add(literal(40, DataTypes.IntegerType), literal(2, DataTypes.IntegerType),
                context(ANSI)), List.of());
        try (Conformance conformance = new Conformance(603);
                IntVector result = (IntVector) HostInterpreter.evaluate(program, List.of(), 3000,
                        conformance.allocator())) {
            assertEquals(3000, result.getValueCount());
            for (int row = 0; row < 3000; row++) {
                assertEquals(42, result.get(row));
            }
        }
    }

    @Test
    void evaluateChecksItsArguments() {
        AttributeReference a = attribute("a", DataTypes.IntegerType);
        Program program = compiler.compile(a, List.of(a));
        try (Conformance conformance = new Conformance(602);
                FieldVector vector = conformance.vector(DataTypes.IntegerType, List.of(1))) {
            assertThrows(IllegalArgumentException.class,
                    () -> HostInterpreter.evaluate(program, List.of(vector), 2, conformance.allocator()));
            assertThrows(IllegalArgumentException.class,
                    () -> HostInterpreter.evaluate(program, List.of(), 1, conformance.allocator()));
            assertThrows(IllegalArgumentException.class,
                    () -> HostInterpreter.evaluate(program, List.of(vector), -1, conformance.allocator()));
        }
    }

    @Test
    void decimalResultTypeComesFromTheNode() {
        Expression product = new Multiply(input(0, decimal(38, 10)), input(1, decimal(38, 10)), context(ANSI));
        Program program = compiler.compile(product, List.of(attribute("x", decimal(38, 10)),
                attribute("y", decimal(38, 10))));
        assertEquals(product.dataType(), program.resultType());
        assertEquals(decimal(38, 6), program.resultType());
    }
}
