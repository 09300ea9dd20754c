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
 * @param nullOnDivideByZero for the sample statistics of one value: null (Spark's default) or NaN
 *     ({@code spark.sql.legacy.statisticalAggregate=true})
 */
record FunctionPlan(Kind kind, boolean merge, int firstOperation, DataType resultType, DataType sumType,
        boolean ansi, QueryContext context, boolean nullOnDivideByZero) implements Serializable {

    enum Kind {
        SUM, AVERAGE, COUNT, MIN, MAX, FIRST, LAST, STDDEV_POP, STDDEV_SAMP, VAR_POP, VAR_SAMP;

        /** Whether the function reads the central moments ({@code MOMENTS}): stddev and variance. */
        boolean moments() {
            return this == STDDEV_POP || this == STDDEV_SAMP || this == VAR_POP || this == VAR_SAMP;
        }
    }

    FunctionPlan(Kind kind, boolean merge, int firstOperation, DataType resultType, DataType sumType, boolean ansi,
            QueryContext context) {
        this(kind, merge, firstOperation, resultType, sumType, ansi, context, true);
    }

    boolean decimalSum() {
        return sumType instanceof DecimalType;
    }
}
