package dev.ember.fuzz.generate;

import dev.ember.fuzz.FuzzType;
import dev.ember.fuzz.data.Table;
import dev.ember.fuzz.query.OutputColumn;
import dev.ember.fuzz.query.Query;
import dev.ember.fuzz.query.Relation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The FROM part of a select: a table, the common table expression, a derived table, or joins of them
 * of every type, on keys of one family, sometimes with an extra condition and a join strategy hint.
 */
final class RelationGenerator {
    private static final List<String> HINTS = List.of("BROADCAST", "SHUFFLE_HASH", "MERGE", "SHUFFLE_REPLICATE_NL");

    private final Context context;
    private final ExpressionGenerator expressions;
    private final IntFunction<Query> derived;

    /**
     * @param derived makes the query of a derived table, given the depth left
     */
    RelationGenerator(Context context, ExpressionGenerator expressions, IntFunction<Query> derived) {
        this.context = context;
        this.expressions = expressions;
        this.derived = derived;
    }

    /** A relation, the columns the select over it sees, and the join hint for that select (or empty). */
    record Source(Relation relation, Scope scope, String hint) {}

    /** A relation nested at most {@code depth} levels of derived tables. */
    Source relation(int depth) {
        Source source = single(depth);
        int joins = context.take(Shape.JOIN, 45) ? (context.chance(10) ? 2 : 1) : 0;
        String hint = "";
        for (int i = 0; i < joins; i++) {
            Source right = single(depth);
            String type = joinType();
            String condition = joinCondition(source.scope(), right.scope());
            Scope scope = type.startsWith("LEFT SEMI") || type.startsWith("LEFT ANTI") ? source.scope()
                    : source.scope().plus(right.scope());
            if (hint.isEmpty() && context.take(Shape.JOIN_HINT, 25)) {
                hint = context.pick(HINTS) + "(" + alias(right.relation()) + ")";
            }
            source = new Source(new Relation.Join(source.relation(), type, right.relation(), condition), scope, "");
        }
        return new Source(source.relation(), source.scope(), hint);
    }

    /** A table, the common table expression or a derived table, without joins. */
    Source single(int depth) {
        String alias = context.alias();
        if (context.cteName() != null && context.chance(40)) {
            return new Source(new Relation.Table(context.cteName(), alias), Scope.of(alias, context.cteOutput()), "");
        }
        if (depth > 0 && context.take(Shape.DERIVED_TABLE, 20)) {
            Query query = derived.apply(depth - 1);
            return new Source(new Relation.Derived(query, alias), Scope.of(alias, query.output()), "");
        }
        return table(context.pick(context.tables.tables()), alias);
    }

    private static Source table(Table table, String alias) {
        List<OutputColumn> columns = table.columns().stream()
                .map(c -> new OutputColumn(c.name(), c.type().family(), c.type())).toList();
        return new Source(new Relation.Table(table.name(), alias), Scope.of(alias, columns), "");
    }

    /**
     * A table with a 38-digit decimal column, one with extreme values when there is one (where a sum
     * overflows), or any table when none has such a column.
     */
    Source wideDecimalTable() {
        List<Table> wide = context.tables.tables().stream()
                .filter(t -> t.columns().stream().anyMatch(c -> c.type() == FuzzType.DECIMAL_38_10)).toList();
        List<Table> extreme = wide.stream().filter(Table::extremes).toList();
        Table table = !extreme.isEmpty() ? context.pick(extreme) : !wide.isEmpty() ? context.pick(wide)
                : context.pick(context.tables.tables());
        return table(table, context.alias());
    }

    private String joinType() {
        int choice = context.random.nextInt(100);
        if (choice < 35) {
            return "INNER";
        }
        if (choice < 75 && context.take(Shape.OUTER_JOIN, 100)) {
            return context.pick(List.of("LEFT OUTER", "RIGHT OUTER", "FULL OUTER"));
        }
        if (context.take(Shape.SEMI_ANTI_JOIN, 100)) {
            return context.chance(50) ? "LEFT SEMI" : "LEFT ANTI";
        }
        return "INNER";
    }

    /** Equality on a pair of same-family columns (the keys k when both sides have them), maybe with more. */
    private String joinCondition(Scope left, Scope right) {
        List<String> pairs = new ArrayList<>();
        for (OutputColumn l : left.columns()) {
            for (OutputColumn r : right.columns()) {
                if (l.family() == r.family()) {
                    pairs.add(l.name() + " = " + r.name());
                }
            }
        }
        String keys = pairs.stream().filter(p -> p.matches("\\w+\\.k = \\w+\\.k")).findFirst()
                .filter(p -> context.chance(60)).orElse(pairs.isEmpty() ? "TRUE" : context.pick(pairs));
        if (context.chance(25)) {
            keys = keys + " AND " + expressions.condition(left.plus(right), 1);
        }
        return keys;
    }

    private static String alias(Relation single) {
        if (single instanceof Relation.Table table) {
            return table.alias();
        }
        if (single instanceof Relation.Derived derived) {
            return derived.alias();
        }
        throw new IllegalArgumentException("not a single relation: " + single.sql());
    }
}
