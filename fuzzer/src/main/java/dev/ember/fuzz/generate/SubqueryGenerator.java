package dev.ember.fuzz.generate;

import dev.ember.fuzz.Family;
import dev.ember.fuzz.data.Column;
import dev.ember.fuzz.data.Table;
import dev.ember.fuzz.query.OutputColumn;
import java.util.List;

/**
 * Subqueries over one generated table, some correlated with the outer query through a column of the
 * same family: {@code [NOT] IN (SELECT ...)}, {@code [NOT] EXISTS (SELECT ...)} and scalar subqueries
 * that aggregate (so they yield at most one row).
 */
final class SubqueryGenerator {
    private final Context context;
    private final ExpressionGenerator expressions;

    SubqueryGenerator(Context context, ExpressionGenerator expressions) {
        this.context = context;
        this.expressions = expressions;
    }

    /**
     * An IN, NOT IN, EXISTS or NOT EXISTS predicate over {@code outer}; records its shape unless
     * {@code existence} (the caller records that the predicate sits where Spark needs an existence join).
     */
    String predicate(Scope outer, boolean existence) {
        Table table = context.pick(context.tables.tables());
        String alias = context.alias();
        Scope inner = scope(table, alias);
        int choice = context.random.nextInt(3);
        if (choice < 2) {
            boolean negated = choice == 1;
            if (!existence) {
                context.take(negated ? Shape.NOT_IN_SUBQUERY : Shape.IN_SUBQUERY, 100);
            }
            Column column = context.pick(table.columns());
            Family family = column.type().family();
            String where = context.chance(40) ? " WHERE " + correlationOrCondition(outer, inner) : "";
            return "(" + expressions.expression(family, outer, 1) + (negated ? " NOT IN " : " IN ") + "(SELECT "
                    + alias + "." + column.name() + " FROM " + table.name() + " AS " + alias + where + "))";
        }
        if (!existence) {
            context.take(Shape.EXISTS_SUBQUERY, 100);
        }
        return "(" + (context.chance(30) ? "NOT " : "") + "EXISTS (SELECT 1 FROM " + table.name() + " AS " + alias
                + " WHERE " + correlationOrCondition(outer, inner) + "))";
    }

    /** A scalar subquery of {@code family} (any when null) over {@code outer}, or null when none fits. */
    AggregateGenerator.Call scalar(Scope outer, Family family) {
        Table table = context.pick(context.tables.tables());
        String alias = context.alias();
        Scope inner = scope(table, alias);
        String where = context.chance(60) ? " WHERE " + correlationOrCondition(outer, inner) : "";
        String value;
        Family result;
        if (family == null || family == Family.INTEGRAL) {
            value = "count(*)";
            result = Family.INTEGRAL;
        } else {
            List<OutputColumn> columns = inner.ofFamily(family);
            if (columns.isEmpty()) {
                return null;
            }
            value = (context.chance(50) ? "max(" : "min(") + context.pick(columns).name() + ")";
            result = family;
        }
        if (family == null && context.chance(50)) {
            OutputColumn column = context.pick(inner.columns());
            value = "max(" + column.name() + ")";
            result = column.family();
        }
        context.take(Shape.SCALAR_SUBQUERY, 100);
        return new AggregateGenerator.Call("(SELECT " + value + " FROM " + table.name() + " AS " + alias + where + ")",
                result);
    }

    /** {@code inner = outer} on columns of one family when the outer scope has one, else a condition on inner. */
    private String correlationOrCondition(Scope outer, Scope inner) {
        if (!outer.isEmpty() && context.chance(70)) {
            OutputColumn innerColumn = context.pick(inner.columns());
            List<OutputColumn> matches = outer.ofFamily(innerColumn.family());
            if (!matches.isEmpty()) {
                String correlation = innerColumn.name() + " = " + context.pick(matches).name();
                return context.chance(30) ? correlation + " AND " + expressions.condition(inner, 1) : correlation;
            }
        }
        return expressions.condition(inner, 1);
    }

    private static Scope scope(Table table, String alias) {
        return Scope.of(alias, table.columns().stream()
                .map(c -> new OutputColumn(c.name(), c.type().family(), c.type())).toList());
    }
}
