package dev.ember.exec.aggregate;

import dev.ember.exec.Seqs;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.Average;
import org.apache.spark.sql.catalyst.expressions.aggregate.Complete$;
import org.apache.spark.sql.catalyst.expressions.aggregate.Final$;
import org.apache.spark.sql.catalyst.expressions.aggregate.ImperativeAggregate;
import org.apache.spark.sql.catalyst.expressions.aggregate.Sum;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenFallback;
import org.apache.spark.sql.execution.WholeStageCodegenExec$;
import org.apache.spark.sql.execution.aggregate.BaseAggregateExec;
import org.apache.spark.sql.execution.aggregate.HashAggregateExec;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;

/**
 * Decimal sums that Spark keeps exact. Spark's window and sort-based aggregation hold their buffers as
 * objects, and its generated code for a hash aggregation without grouping keys holds them in local
 * variables, not in an {@code UnsafeRow} (which nulls a decimal that outgrows its type), so a decimal sum or
 * average there adds without a precision bound and checks the precision only when it evaluates: a running
 * sum may outgrow 38 digits and come back, and one that stays too wide fails with
 * {@code NUMERIC_VALUE_OUT_OF_RANGE}, not the bounded sum's {@code ARITHMETIC_OVERFLOW}. (Between a partial
 * and a final aggregation the exchange's row writer still nulls a partial sum that does not fit, so which
 * condition Spark raises depends on where the sum first outgrows 38 digits. Without whole-stage code
 * generation the buffer is an {@code UnsafeRow} and the sum is bounded, as in a grouped aggregation.)
 *
 * <p>Ember's decimal sum state nulls for good at 38 digits, as an {@code UnsafeRow} buffer does; the two agree
 * while the sum cannot reach 38 digits: an input of at most 28 digits summed over fewer than 2^31 rows.
 * Wider sums are exact in Ember only in a hash aggregation without grouping keys ({@link KeylessExactSums});
 * over a window and in place of a sort-based aggregation they stay in Spark.
 */
public final class ExactDecimalSums {
    private ExactDecimalSums() {}

    /** Whether {@code aggregate} is a sum or average of decimals that can outgrow 38 digits. */
    static boolean wide(AggregateExpression aggregate) {
        return (aggregate.aggregateFunction() instanceof Sum || aggregate.aggregateFunction() instanceof Average)
                && aggregate.aggregateFunction().children().head().dataType() instanceof DecimalType decimal
                && decimal.precision() + 10 > DecimalType.MAX_PRECISION();
    }

    /**
     * Why Ember cannot compute {@code aggregate} where Spark keeps its sum exact ({@code where} names the
     * place, e.g. "over a window"), if it cannot.
     */
    public static Optional<String> problem(AggregateExpression aggregate, String where) {
        if (wide(aggregate)) {
            return Optional.of(aggregate.aggregateFunction().prettyName() + " of "
                    + aggregate.aggregateFunction().children().head().dataType().simpleString() + " " + where
                    + ": Spark sums decimals of more than 28 digits there without a precision bound until the end"
                    + " (its buffer is no UnsafeRow), which Ember does not yet");
        }
        return Optional.empty();
    }

    /**
     * Why Ember cannot replace a hash aggregation without grouping keys, if it cannot: Ember keeps its wide
     * decimal sums exact as Spark's generated code does, but only between exchanges; where the partial and the
     * final aggregation run in one stage (the partial's input has one partition, so no exchange comes between),
     * Spark carries the exact partial sum into the final one, where Ember's partial output, a 38-digit column,
     * cannot.
     */
    public static Optional<String> keylessProblem(HashAggregateExec plan) {
        List<AggregateExpression> aggregates = Seqs.toList(plan.aggregateExpressions());
        Optional<AggregateExpression> wide = aggregates.stream().filter(ExactDecimalSums::wide).findFirst();
        if (!plan.groupingExpressions().isEmpty() || wide.isEmpty()
                || !sparkGeneratesCode(aggregates, Seqs.toList(plan.resultExpressions()), plan.schema(),
                        plan.child().schema())) {
            return Optional.empty();
        }
        boolean merges = aggregates.stream().anyMatch(a -> a.mode() == Final$.MODULE$);
        boolean buffers = aggregates.stream()
                .noneMatch(a -> a.mode() == Final$.MODULE$ || a.mode() == Complete$.MODULE$);
        // a final aggregation reads its partial directly, or a partial one has no exchange above it
        boolean fused = merges && plan.child() instanceof BaseAggregateExec
                || buffers && plan.child().outputPartitioning().numPartitions() == 1;
        if (!fused) {
            return Optional.empty();
        }
        return Optional.of(wide.get().aggregateFunction().prettyName() + " of "
                + wide.get().aggregateFunction().children().head().dataType().simpleString() + " without grouping"
                + " keys, partial and final aggregation in one stage (the input has one partition): Spark carries"
                + " the exact partial sum of decimals of more than 28 digits into the final aggregation, Ember's"
                + " partial output holds 38 digits");
    }

    /**
     * Whether Spark's whole-stage code generation takes a hash aggregation with these parts, as its
     * {@code CollapseCodegenStages} decides: only then does a keyless aggregation hold its buffer in local
     * variables (exact decimal sums); otherwise its buffer is an {@code UnsafeRow} (bounded ones).
     */
    static boolean sparkGeneratesCode(List<AggregateExpression> aggregates, List<NamedExpression> results,
            StructType output, StructType input) {
        SQLConf conf = SQLConf.get();
        if (!conf.wholeStageEnabled() || WholeStageCodegenExec$.MODULE$.isTooManyFields(conf, output)
                || WholeStageCodegenExec$.MODULE$.isTooManyFields(conf, input)) {
            return false;
        }
        for (AggregateExpression aggregate : aggregates) {
            // Spark's aggregation generates no code for imperative aggregates and FILTER clauses
            if (aggregate.aggregateFunction() instanceof ImperativeAggregate || aggregate.filter().isDefined()
                    || fallsBack(aggregate)) {
                return false;
            }
        }
        for (NamedExpression result : results) {
            if (fallsBack((Expression) result)) {
                return false;
            }
        }
        return true;
    }

    private static boolean fallsBack(Expression expression) {
        if (expression instanceof CodegenFallback) {
            return true;
        }
        for (Expression child : Seqs.toList(expression.children())) {
            if (fallsBack(child)) {
                return true;
            }
        }
        return false;
    }
}
