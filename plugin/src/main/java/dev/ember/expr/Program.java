package dev.ember.expr;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.types.DataType;

/**
 * A compiled expression: a typed postfix program, one instruction per Catalyst node. Programs are
 * data, shipped to executors inside plan nodes and run by a device's interpreter.
 *
 * <p>Besides the instructions, a program keeps the original Catalyst expression with its attribute
 * references bound to input ordinals. Interpreters never evaluate it on the normal path; when a row
 * fails (ANSI overflow, division by zero, invalid cast) they evaluate it on that one row so that the
 * user sees Spark's own exception, class, error condition and message.
 *
 * <p>Immutable and thread-safe.
 */
public final class Program implements Serializable {
    private static final long serialVersionUID = 2L;

    private final DataType resultType;
    private final boolean nullable;
    private final List<Instruction> instructions;
    private final List<ValueType> inputTypes;
    private final Expression boundExpression;

    /**
     * @param resultType the Spark type of the result
     * @param nullable whether the result can be null
     * @param instructions the postfix instructions; the last one produces the result
     * @param inputTypes the type of each input column, by ordinal
     * @param boundExpression the Catalyst expression bound to input ordinals, for error replay
     */
    public Program(DataType resultType, boolean nullable, List<Instruction> instructions,
            List<ValueType> inputTypes, Expression boundExpression) {
        this.resultType = requireNonNull(resultType, "resultType is null");
        this.nullable = nullable;
        this.instructions = List.copyOf(requireNonNull(instructions, "instructions is null"));
        this.inputTypes = List.copyOf(requireNonNull(inputTypes, "inputTypes is null"));
        this.boundExpression = requireNonNull(boundExpression, "boundExpression is null");
        if (this.instructions.isEmpty()) {
            throw new IllegalArgumentException("a program needs at least one instruction");
        }
    }

    /** The Spark type of the value the program computes. */
    public DataType resultType() {
        return resultType;
    }

    /** Whether the result can be null. */
    public boolean nullable() {
        return nullable;
    }

    /** The instructions in execution order. */
    public List<Instruction> instructions() {
        return instructions;
    }

    /** The type of each input column the program reads, by ordinal. */
    public List<ValueType> inputTypes() {
        return inputTypes;
    }

    /** The Catalyst expression bound to input ordinals; evaluated only to replay a failing row. */
    public Expression boundExpression() {
        return boundExpression;
    }

    @Override
    public String toString() {
        return instructions.stream().map(Instruction::toString).collect(Collectors.joining("; ", "Program[", "]"));
    }
}
