package dev.ember.fuzz.generate;

import dev.ember.fuzz.Family;
import dev.ember.fuzz.FuzzType;
import dev.ember.fuzz.query.OutputColumn;
import java.util.List;

/**
 * Aggregate calls and window functions whose answers do not depend on the order rows arrive in:
 * count, min, max, and sums and averages only where the sum is exact (integers, decimals that cannot
 * overflow, floating table columns, whose values are exact multiples of 1/8). Sums and averages that may
 * overflow appear only under a risk shape: a long sum fails with {@code ARITHMETIC_OVERFLOW}
 * ({@link Shape#ARITHMETIC_OVERFLOW}); a wide decimal sum (under that risk) or average (under
 * {@link Shape#DECIMAL_OVERFLOW}) fails with either condition, by where in the plan it overflows, so it holds
 * its query's risk alone ({@code Context.takeAlone}); both over absolute values, so that whether they
 * overflow does not depend on the order rows are added in. No first/last, no row_number or lag
 * over ties.
 */
final class AggregateGenerator {
    private final Context context;
    private final ExpressionGenerator expressions;

    AggregateGenerator(Context context, ExpressionGenerator expressions) {
        this.context = context;
        this.expressions = expressions;
    }

    /** An aggregate call of {@code family}, or of any family when it is null; its family is returned with it. */
    Call aggregate(Scope scope, Family family) {
        Call call = plain(scope, family, true);
        if (context.take(Shape.AGGREGATE_FILTER, 15)) {
            return new Call(call.sql() + " FILTER (WHERE " + expressions.condition(scope, 1) + ")", call.family());
        }
        return call;
    }

    /** A window function call of {@code family}, or of any family when it is null. */
    Call window(Scope scope, Family family) {
        // over a derived table, mostly by its first column: a grouping key, so no exchange comes between
        OutputColumn first = scope.columns().stream().filter(c -> c.name().endsWith(".o0")).findFirst().orElse(null);
        OutputColumn partitionBy = first != null && context.chance(60) ? first
                : scope.isEmpty() ? null : context.pick(scope.columns());
        String partition = partitionBy == null ? "" : "PARTITION BY " + partitionBy.name();
        String order = scope.isEmpty() ? "" : " ORDER BY " + context.pick(scope.columns()).name()
                + (context.chance(50) ? " DESC" : "") + (context.chance(50) ? " NULLS LAST" : " NULLS FIRST");
        if ((family == null || family == Family.INTEGRAL) && context.chance(50)) {
            String function = context.pick(List.of("rank()", "dense_rank()", "count(*)"));
            String over = function.equals("count(*)") ? partition : partition + order;
            return new Call(function + " OVER (" + over + ")", Family.INTEGRAL);
        }
        Call call = plain(scope, family, false);
        return new Call(call.sql() + " OVER (" + partition + (context.chance(50) ? order : "") + ")", call.family());
    }

    /** @param distinct whether DISTINCT aggregates may appear (window functions take none) */
    private Call plain(Scope scope, Family family, boolean distinct) {
        if (context.risk() == Shape.ARITHMETIC_OVERFLOW && (family == null || family == Family.DECIMAL)
                && context.chance(50)) {
            // the wide decimal sum that overflows when a group holds two of the type's maximums. Spark raises
            // ARITHMETIC_OVERFLOW ("Overflow in sum of decimals") where a sum outgrew its type in an UnsafeRow
            // (a grouped aggregation's buffer, a partial sum written to an exchange) and
            // NUMERIC_VALUE_OUT_OF_RANGE where an exact sum did at the end (an aggregation without keys; fuzz
            // seed 20261207, query 90718, a grouped one too), so it holds the risk alone: no other expression
            // may raise either condition first (query 7190: a sum and a narrowing cast above it, and which
            // one a run raised depended on the order it evaluated the groups in)
            List<OutputColumn> wide = scope.columns().stream()
                    .filter(c -> c.type() != null && c.type().precision() > 25).toList();
            if (!wide.isEmpty() && context.takeAlone(Shape.ARITHMETIC_OVERFLOW, 100)) {
                // over absolute values: a running sum of values of both signs overflows or not by the order
                // rows are added in, which no plan fixes (fuzz seed 20261207, query 21546: the maximum, the
                // minimum and three small values summed to 22.5 in Spark's order and overflowed in Ember's);
                // without negatives it overflows exactly when the total does
                return new Call("sum(abs(" + context.pick(wide).name() + "))", Family.DECIMAL);
            }
        }
        int choice = context.random.nextInt(6);
        if ((choice == 0 || choice == 1) && (family == null || family.numeric())) {
            Call sum = sumOrAverage(scope, family, choice == 1, distinct);
            if (sum != null) {
                return sum;
            }
        }
        if (choice == 2 && (family == null || family == Family.INTEGRAL)) {
            if (distinct && context.take(Shape.DISTINCT_AGGREGATE, 30)) {
                return new Call("count(DISTINCT " + expressions.expression(expressions.columnFamily(scope), scope, 1)
                        + ")", Family.INTEGRAL);
            }
            return new Call(context.chance(50) ? "count(*)" : "count(" + expressions.expression(
                    expressions.columnFamily(scope), scope, 1) + ")", Family.INTEGRAL);
        }
        Family of = family == null ? expressions.columnFamily(scope) : family;
        return new Call((context.chance(50) ? "min(" : "max(") + expressions.expression(of, scope, 1) + ")", of);
    }

    /** sum or avg over a numeric column when one of {@code family} is exact enough, else null. */
    private Call sumOrAverage(Scope scope, Family family, boolean average, boolean distinctAllowed) {
        List<OutputColumn> numeric = scope.columns().stream().filter(c -> c.family().numeric()).toList();
        if (numeric.isEmpty()) {
            return null;
        }
        OutputColumn column = context.pick(numeric);
        String distinct = distinctAllowed && context.take(Shape.DISTINCT_AGGREGATE, 10) ? "DISTINCT " : "";
        String function = average ? "avg(" : "sum(";
        FuzzType type = column.type();
        Family result;
        String argument = column.name();
        switch (column.family()) {
            case FLOATING -> {
                if (type == null) {
                    return null;
                }
                result = Family.FLOATING;
            }
            case INTEGRAL -> {
                boolean narrow = type == FuzzType.BYTE || type == FuzzType.SHORT || type == FuzzType.INT;
                if (narrow || (!average && context.risks(Shape.ARITHMETIC_OVERFLOW))) {
                    result = average ? Family.FLOATING : Family.INTEGRAL;
                } else {
                    argument = "CAST(" + argument + " AS DECIMAL(20,0))";
                    result = Family.DECIMAL;
                }
            }
            case DECIMAL -> {
                boolean small = type != null && type.precision() <= 25;
                // a wide sum or average raises either condition by where it overflows (above): alone
                if (!small && !context.risksAlone(average ? Shape.DECIMAL_OVERFLOW : Shape.ARITHMETIC_OVERFLOW)) {
                    return null;
                }
                if (!small) {
                    argument = "abs(" + argument + ")";  // order-free overflow, as above
                }
                result = Family.DECIMAL;
            }
            default -> throw new IllegalStateException("not numeric: " + column);
        }
        if (family != null && family != result) {
            return null;
        }
        return new Call(function + distinct + argument + ")", result);
    }

    /** An aggregate or window call and the family of its value. */
    record Call(String sql, Family family) {}
}
