package dev.ember.exec.aggregate;

import java.io.Serializable;
import org.apache.spark.QueryContext;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;

/**
 * How one aggregate function of an {@link EmberHashAggregateExec} runs: which group-by operations hold
 * its state and how that state becomes Spark's aggregation buffer or the function's result.
 *
 * @param kind the Spark function
 * @param merge whether the inputs are Spark aggregation buffers (PartialMerge and Final modes) rather
 *     than raw values (Partial and Complete)
 * @param firstOperation the index of its first group-by operation (Avg has two: sum and count)
 * @param resultType the function's result type
 * @param sumType the type of the buffer's sum (Sum and Avg), else null
 * @param ansi whether overflow raises Spark's error (ANSI mode) instead of giving null
 * @param context where the function is in the query text, for Spark's overflow error (null when Spark
 *     keeps none: outside ANSI mode, or a function without one)
 */
record FunctionPlan(Kind kind, boolean merge, int firstOperation, DataType resultType, DataType sumType,
        boolean ansi, QueryContext context) implements Serializable {

    enum Kind { SUM, AVERAGE, COUNT, MIN, MAX, FIRST, LAST }

    boolean decimalSum() {
        return sumType instanceof DecimalType;
    }
}
