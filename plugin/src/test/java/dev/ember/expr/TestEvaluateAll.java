package dev.ember.expr;

import static dev.ember.expr.Conformance.attribute;
import static dev.ember.expr.Expressions.ANSI;
import static dev.ember.expr.Expressions.context;
import static dev.ember.expr.Expressions.literal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.SparkArithmeticException;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Subtract;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** Several programs over one batch fail like Spark's row-at-a-time projection: first row, then first program. */
class TestEvaluateAll {
    private final ExpressionCompiler compiler = new ExpressionCompiler(new CompilerSettings(true, "UTC", name -> true));
    private final AttributeReference a = attribute("a", DataTypes.IntegerType);
    private final AttributeReference b = attribute("b", DataTypes.LongType);
    private final List<Program> programs = List.of(
            compiler.compile(new Add(a, literal(1, DataTypes.IntegerType), context(ANSI)), List.of(a, b)),
            compiler.compile(new Subtract(b, literal(1L, DataTypes.LongType), context(ANSI)), List.of(a, b)));

    @Test
    void firstFailingRowWinsOverProgramOrder() {
        try (Conformance conformance = new Conformance(901);
                FieldVector ints = conformance.vector(DataTypes.IntegerType, List.of(1, 2, Integer.MAX_VALUE));
                FieldVector longs = conformance.vector(DataTypes.LongType, List.of(5L, Long.MIN_VALUE, 7L))) {
            SparkArithmeticException error = assertThrows(SparkArithmeticException.class,
                    () -> HostInterpreter.evaluateAll(programs, List.of(ints, longs), 3, conformance.allocator()));
            assertEquals("ARITHMETIC_OVERFLOW", error.getCondition());
            assertEquals(true, error.getMessage().contains("long overflow"), error.getMessage());
            SparkArithmeticException first = assertThrows(SparkArithmeticException.class,
                    () -> HostInterpreter.evaluateAll(List.of(programs.get(0)), List.of(ints, longs), 3,
                            conformance.allocator()));
            assertEquals(true, first.getMessage().contains("integer overflow"), first.getMessage());
        }
    }

    @Test
    void sameRowFailsWithTheFirstProgram() {
        try (Conformance conformance = new Conformance(902);
                FieldVector ints = conformance.vector(DataTypes.IntegerType, List.of(Integer.MAX_VALUE));
                FieldVector longs = conformance.vector(DataTypes.LongType, List.of(Long.MIN_VALUE))) {
            SparkArithmeticException error = assertThrows(SparkArithmeticException.class,
                    () -> HostInterpreter.evaluateAll(programs, List.of(ints, longs), 1, conformance.allocator()));
            assertEquals(true, error.getMessage().contains("integer overflow"), error.getMessage());
        }
    }

    @Test
    void successReturnsOneVectorPerProgram() {
        try (Conformance conformance = new Conformance(903);
                FieldVector ints = conformance.vector(DataTypes.IntegerType, java.util.Arrays.asList(1, null));
                FieldVector longs = conformance.vector(DataTypes.LongType, List.of(5L, 6L))) {
            List<FieldVector> results = HostInterpreter.evaluateAll(programs, List.of(ints, longs), 2,
                    conformance.allocator());
            try (IntVector sums = (IntVector) results.get(0); BigIntVector differences = (BigIntVector) results.get(1)) {
                assertEquals(2, sums.get(0));
                assertEquals(true, sums.isNull(1));
                assertEquals(4L, differences.get(0));
                assertEquals(5L, differences.get(1));
            }
        }
    }
}
