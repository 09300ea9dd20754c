package dev.ember.expr;

import java.io.Serializable;
import org.apache.spark.sql.types.DataType;

/**
 * A compiled expression: a typed postfix program, one instruction per Catalyst node. Programs are
 * data, shipped to executors inside plan nodes and run by a device's interpreter.
 *
 * <p>STUB: the expression work replaces this class; the methods below are the contract the
 * operators use.
 */
public final class Program implements Serializable {
    private static final long serialVersionUID = 1L;

    private final DataType resultType;
    private final boolean nullable;

    public Program(DataType resultType, boolean nullable) {
        this.resultType = resultType;
        this.nullable = nullable;
    }

    /** The Spark type of the value the program computes. */
    public DataType resultType() {
        return resultType;
    }

    /** Whether the result can be null. */
    public boolean nullable() {
        return nullable;
    }
}
