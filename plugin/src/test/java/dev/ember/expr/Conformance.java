package dev.ember.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ember.columnar.ArrowTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The conformance check: runs an expression through Ember's compiler and {@link HostInterpreter}
 * and compares every row with Catalyst's own interpreted {@code eval} of the same expression (the
 * oracle), including which row fails first and with which exception. Owns a {@link RootAllocator}:
 * closing the harness fails when a vector leaked.
 */
final class Conformance implements AutoCloseable {
    static final int ROWS = 2500;

    private final RootAllocator allocator = new RootAllocator();
    private final ExpressionCompiler compiler =
            new ExpressionCompiler(new CompilerSettings(true, "UTC", name -> true));
    private final long seed;
    private final Random random;
    private int checks;
    private int checksWithErrors;

    Conformance(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
        System.out.println("conformance seed " + seed);
    }

    /** A reference to input column {@code ordinal}, nullable. */
    static BoundReference input(int ordinal, DataType type) {
        return new BoundReference(ordinal, type, true);
    }

    static AttributeReference attribute(String name, DataType type) {
        return new AttributeReference(name, type, true, Metadata.empty(), NamedExpression.newExprId(),
                Scala.toSeq(List.of()));
    }

    /** Checks {@code expression} over random columns of {@code types}: empty, one row and {@link #ROWS} rows. */
    void check(Expression expression, DataType... types) {
        check(expression, ROWS, types);
    }

    /** Checks {@code expression} over random columns of {@code types}: empty, one row and {@code rowCount} rows. */
    void check(Expression expression, int rowCount, DataType... types) {
        for (int rows : new int[] {0, 1, rowCount}) {
            List<List<Object>> columns = new ArrayList<>();
            for (DataType type : types) {
                columns.add(TestData.column(ValueType.of(type).orElseThrow(), rows, random));
            }
            check(expression, List.of(types), columns);
        }
    }

    /** The program Ember compiles {@code expression} into, over inputs of {@code types}. */
    Program compile(Expression expression, List<DataType> types) {
        List<Attribute> attributes = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            attributes.add(attribute("c" + i, types.get(i)));
        }
        return compiler.compile(expression, attributes);
    }

    /** Checks {@code expression} over the given columns (internal values, null for null). */
    void check(Expression expression, List<DataType> types, List<List<Object>> columns) {
        List<Attribute> attributes = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            attributes.add(attribute("c" + i, types.get(i)));
        }
        SupportLevel support = compiler.support(expression, attributes);
        assertTrue(support.isCompatible(), () -> expression.sql() + " should be supported: " + support.reason());
        Program program = compiler.compile(expression, attributes);
        int rows = columns.isEmpty() ? 1 : columns.get(0).size();
        List<Object> expected = new ArrayList<>(rows);
        RuntimeException firstError = null;
        List<Integer> passing = new ArrayList<>();
        for (int row = 0; row < rows; row++) {
            try {
                expected.add(expression.eval(row(columns, row)));
                passing.add(row);
            } catch (RuntimeException e) {
                expected.add(e);
                if (firstError == null) {
                    firstError = e;
                }
            }
        }
        checks++;
        if (firstError != null) {
            checksWithErrors++;
            RuntimeException error = firstError;
            RuntimeException actual = runExpectingError(program, types, columns, rows, error);
            String context = describe(expression) + " first failing row";
            assertEquals(error.getClass(), actual.getClass(), () -> context + ": " + actual);
            assertEquals(error.getMessage(), actual.getMessage(), context);
            columns = selectRows(columns, passing);
            expected = select(expected, passing);
            rows = passing.size();
        }
        compare(expression, program, types, columns, expected, rows);
    }

    private RuntimeException runExpectingError(Program program, List<DataType> types, List<List<Object>> columns,
            int rows, RuntimeException expected) {
        List<FieldVector> vectors = vectors(types, columns);
        try {
            try (FieldVector result = HostInterpreter.evaluate(program, vectors, rows, allocator)) {
                fail(program.boundExpression().sql() + " over " + types + " should fail like Spark (seed " + seed
                        + ") with " + expected);
            }
        } catch (RuntimeException e) {
            return e;
        } finally {
            vectors.forEach(FieldVector::close);
        }
        throw new AssertionError("unreachable");
    }

    private void compare(Expression expression, Program program, List<DataType> types, List<List<Object>> columns,
            List<Object> expected, int rows) {
        List<FieldVector> vectors = vectors(types, columns);
        try (FieldVector result = HostInterpreter.evaluate(program, vectors, rows, allocator)) {
            assertEquals(rows, result.getValueCount());
            ValueType resultType = ValueType.of(program.resultType()).orElseThrow();
            for (int row = 0; row < rows; row++) {
                Object actual = ColumnIo.internalValue(result, resultType, row);
                Object wanted = expected.get(row);
                if (!same(wanted, actual)) {
                    fail(describe(expression) + " row " + row + " inputs " + types + " " + row(columns, row)
                            + ": Spark gives " + wanted + " but Ember gives " + actual);
                }
            }
        } finally {
            vectors.forEach(FieldVector::close);
        }
    }

    private String describe(Expression expression) {
        return expression.sql() + " of type " + expression.dataType().simpleString() + " (seed " + seed + ")";
    }

    private static boolean same(Object expected, Object actual) {
        if (expected == null || actual == null) {
            return expected == actual;
        }
        if (expected instanceof Decimal decimal) {
            return actual instanceof Decimal other && decimal.compare(other) == 0;
        }
        return expected.equals(actual);
    }

    private static GenericInternalRow row(List<List<Object>> columns, int row) {
        GenericInternalRow values = new GenericInternalRow(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            values.update(i, columns.get(i).get(row));
        }
        return values;
    }

    private static <T> List<T> select(List<T> values, List<Integer> rows) {
        List<T> selected = new ArrayList<>(rows.size());
        for (int row : rows) {
            selected.add(values.get(row));
        }
        return selected;
    }

    private static List<List<Object>> selectRows(List<List<Object>> columns, List<Integer> rows) {
        List<List<Object>> selected = new ArrayList<>();
        for (List<Object> column : columns) {
            selected.add(select(column, rows));
        }
        return selected;
    }

    List<FieldVector> vectors(List<DataType> types, List<List<Object>> columns) {
        List<FieldVector> vectors = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            vectors.add(vector(types.get(i), columns.get(i)));
        }
        return vectors;
    }

    /** A new vector holding the internal values; the caller closes it. */
    FieldVector vector(DataType type, List<Object> values) {
        ValueType valueType = ValueType.of(type).orElseThrow();
        FieldVector vector = ArrowTypes.newVector("input", type, allocator);
        vector.allocateNew();
        for (int row = 0; row < values.size(); row++) {
            Object value = values.get(row);
            if (value == null) {
                vector.setNull(row);
                continue;
            }
            switch (valueType.kind()) {
                case BOOLEAN -> ((BitVector) vector).setSafe(row, (Boolean) value ? 1 : 0);
                case BYTE -> ((TinyIntVector) vector).setSafe(row, (Byte) value);
                case SHORT -> ((SmallIntVector) vector).setSafe(row, (Short) value);
                case INT -> ((IntVector) vector).setSafe(row, (Integer) value);
                case LONG -> ((BigIntVector) vector).setSafe(row, (Long) value);
                case FLOAT -> ((Float4Vector) vector).setSafe(row, (Float) value);
                case DOUBLE -> ((Float8Vector) vector).setSafe(row, (Double) value);
                case DECIMAL -> ((DecimalVector) vector).setSafe(row, ((Decimal) value).toJavaBigDecimal()
                        .setScale(valueType.scale()));
                case DATE -> ((DateDayVector) vector).setSafe(row, (Integer) value);
                case TIMESTAMP -> ((TimeStampVector) vector).setSafe(row, (Long) value);
                case STRING -> ((VarCharVector) vector).setSafe(row, ((UTF8String) value).getBytes());
            }
        }
        vector.setValueCount(values.size());
        return vector;
    }

    RootAllocator allocator() {
        return allocator;
    }

    ExpressionCompiler compiler() {
        return compiler;
    }

    @Override
    public void close() {
        System.out.println("conformance seed " + seed + ": " + checks + " checks, " + checksWithErrors
                + " with rows on which Spark raises an error");
        allocator.close();
    }
}
