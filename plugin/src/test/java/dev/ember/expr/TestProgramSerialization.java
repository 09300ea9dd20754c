package dev.ember.expr;

import static dev.ember.expr.Conformance.attribute;
import static dev.ember.expr.Expressions.ANSI;
import static dev.ember.expr.Expressions.context;
import static dev.ember.expr.Expressions.decimal;
import static dev.ember.expr.Expressions.literal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.util.List;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.SparkArithmeticException;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Divide;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.Like;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** Programs travel to executors inside plan nodes: they must survive Java serialization intact. */
class TestProgramSerialization {

    private static Program roundTrip(Program program) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(program);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (Program) in.readObject();
        }
    }

    @Test
    void programRoundTripsAndStillRunsAndFails() throws Exception {
        AttributeReference number = attribute("n", DataTypes.DoubleType);
        AttributeReference text = attribute("s", DataTypes.StringType);
        AttributeReference money = attribute("m", decimal(10, 2));
        // Constants in every lane: double, string (LIKE pattern and IN list), decimal, boolean.
        Expression expression = new And(
                new And(new Like(text, literal(UTF8String.fromString("h_l%"), DataTypes.StringType), '\\'),
                        new In(money, Scala.toSeq(List.of(
                                literal(Decimal.apply(new BigDecimal("1.25"), 10, 2), decimal(10, 2)),
                                literal(null, decimal(10, 2)))))),
                new GreaterThan(new Divide(literal(1.0, DataTypes.DoubleType), number, context(ANSI)),
                        literal(0.0, DataTypes.DoubleType)));
        ExpressionCompiler compiler = new ExpressionCompiler(new CompilerSettings(true, "UTC", name -> true));
        Program original = compiler.compile(expression, List.of(number, text, money));
        Program copy = roundTrip(original);
        assertEquals(original.toString(), copy.toString());
        assertEquals(original.resultType(), copy.resultType());
        assertEquals(original.nullable(), copy.nullable());
        assertEquals(original.inputTypes(), copy.inputTypes());
        assertEquals(original.boundExpression(), copy.boundExpression());
        try (Conformance conformance = new Conformance(701);
                FieldVector numbers = conformance.vector(DataTypes.DoubleType, List.of(2.0, -1.0, 0.0));
                FieldVector texts = conformance.vector(DataTypes.StringType, List.of(UTF8String.fromString("héllo"),
                        UTF8String.fromString("hello"), UTF8String.fromString("x")));
                FieldVector moneys = conformance.vector(decimal(10, 2), List.of(
                        Decimal.apply(125, 10, 2), Decimal.apply(125, 10, 2), Decimal.apply(1, 10, 2)))) {
            List<FieldVector> inputs = List.of(numbers, texts, moneys);
            try (BitVector result = (BitVector) HostInterpreter.evaluate(copy, inputs, 2, conformance.allocator())) {
                assertEquals(1, result.get(0));
                assertEquals(0, result.get(1));
            }
            // Row 2: false AND ... never divides; with the LIKE true it would: check the error survives too.
            try (BitVector result = (BitVector) HostInterpreter.evaluate(copy, inputs, 3, conformance.allocator())) {
                assertEquals(0, result.get(2));
            }
            Program division = roundTrip(compiler.compile(new EqualTo(new Divide(literal(1.0, DataTypes.DoubleType),
                    number, context(ANSI)), literal(1.0, DataTypes.DoubleType)), List.of(number)));
            SparkArithmeticException error = assertThrows(SparkArithmeticException.class,
                    () -> HostInterpreter.evaluate(division, List.of(numbers), 3, conformance.allocator()).close());
            assertEquals("DIVIDE_BY_ZERO", error.getCondition());
        }
    }
}
