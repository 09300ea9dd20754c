package dev.ember.exec.aggregate;

import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.Average;
import org.apache.spark.sql.catalyst.expressions.aggregate.Sum;
import org.apache.spark.sql.types.DecimalType;

/**
 * Decimal sums that Spark keeps exact where Ember cannot: Spark's window and sort-based aggregation hold
 * their buffers as objects, and its generated code for a hash aggregation without grouping keys holds them
 * in local variables, not in an {@code UnsafeRow} (which nulls a decimal that outgrows its type), so a
 * decimal sum or average there adds without a precision bound and checks the precision only when it
 * evaluates: a running sum may overflow 38 digits and come back, and one that stays too wide fails with
 * {@code NUMERIC_VALUE_OUT_OF_RANGE}, not the grouped hash aggregation's {@code ARITHMETIC_OVERFLOW}.
 * (Between a partial and a final aggregation without keys the exchange's row writer still nulls a partial
 * sum that does not fit, so which condition Spark raises there depends on where the sum first outgrows 38
 * digits.) Ember's decimal sum state nulls for good at 38 digits, as the grouped hash aggregation's buffer
 * does. The two agree while the sum cannot reach 38 digits: an input of at most 28 digits summed over fewer
 * than 2^31 rows. Making Ember's state exact there too (a wider sum on host and device) would bring such
 * aggregations back, TPC-H q6, q14 and q19's among them (sums of decimal(31,4) and (32,4) products).
 */
public final class ExactDecimalSums {
    private ExactDecimalSums() {}

    /**
     * Why Ember cannot compute {@code aggregate} where Spark keeps its sum exact ({@code where} names the
     * place, e.g. "over a window"), if it cannot.
     */
    public static Optional<String> problem(AggregateExpression aggregate, String where) {
        if ((aggregate.aggregateFunction() instanceof Sum || aggregate.aggregateFunction() instanceof Average)
                && aggregate.aggregateFunction().children().head().dataType() instanceof DecimalType decimal
                && decimal.precision() + 10 > DecimalType.MAX_PRECISION()) {
            return Optional.of(aggregate.aggregateFunction().prettyName() + " of " + decimal.simpleString() + " "
                    + where + ": Spark sums decimals of more than 28 digits there without a precision bound until"
                    + " the end (its buffer is no UnsafeRow), which Ember does not yet");
        }
        return Optional.empty();
    }
}
