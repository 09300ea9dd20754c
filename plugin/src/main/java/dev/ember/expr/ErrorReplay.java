package dev.ember.expr;

import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;

/**
 * Raises Spark's own exception for a row on which the interpreter found an error: it evaluates the
 * program's bound Catalyst expression on that row, which throws exactly what Spark would.
 */
final class ErrorReplay {
    private ErrorReplay() {}

    /**
     * The exception Spark raises for row {@code row} of {@code inputs}. When Spark's evaluation does
     * not fail, the interpreter disagrees with Spark: that is an Ember bug, reported as an
     * {@link IllegalStateException} that names the expression, the row and Spark's answer.
     */
    static RuntimeException raise(Program program, List<FieldVector> inputs, int row) {
        List<ValueType> types = program.inputTypes();
        GenericInternalRow values = new GenericInternalRow(types.size());
        for (Instruction instruction : program.instructions()) {
            if (instruction.opcode() == Opcode.INPUT) {
                int ordinal = (int) instruction.longAt(0);
                values.update(ordinal, ColumnIo.internalValue(inputs.get(ordinal), types.get(ordinal), row));
            }
        }
        Object answer;
        try {
            answer = program.boundExpression().eval(values);
        } catch (RuntimeException e) {
            return e;
        }
        return new IllegalStateException("Ember bug: the expression " + program.boundExpression().sql()
                + " failed on row " + row + " in Ember but Spark evaluates it to " + answer + " (inputs " + values
                + "); please report it and set the expression's spark.ember.expression.*.enabled key to false");
    }
}
