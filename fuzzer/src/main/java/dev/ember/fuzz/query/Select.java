package dev.ember.fuzz.query;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code SELECT [hint] [DISTINCT] items FROM relation [WHERE ...] [GROUP BY ...] [HAVING ...] [ordering]}.
 *
 * @param hint a join hint such as {@code BROADCAST(a1)}, or empty
 * @param distinct whether the select is {@code SELECT DISTINCT}
 * @param items the output expressions, item {@code i} named {@code o<i>} when generated
 * @param from the relation read
 * @param where conditions joined with AND
 * @param groupBy grouping expressions; an aggregate without them when {@code aggregate} is set
 * @param aggregate whether the items hold aggregates (so the select yields one row without GROUP BY)
 * @param having conditions on the groups, joined with AND
 * @param ordering the ordering, or null
 */
public record Select(String hint, boolean distinct, List<Item> items, Relation from, List<String> where,
        List<String> groupBy, boolean aggregate, List<String> having, Ordering ordering) implements Query {

    /** An output expression and the column it yields. */
    public record Item(String expression, OutputColumn column) {
        public Item {
            requireNonNull(expression, "expression is null");
            requireNonNull(column, "column is null");
        }
    }

    public Select {
        requireNonNull(hint, "hint is null");
        items = List.copyOf(items);
        requireNonNull(from, "from is null");
        where = List.copyOf(where);
        groupBy = List.copyOf(groupBy);
        having = List.copyOf(having);
        if (items.isEmpty()) {
            throw new IllegalArgumentException("a select needs items");
        }
    }

    @Override
    public List<OutputColumn> output() {
        return items.stream().map(Item::column).toList();
    }

    @Override
    public boolean ordered() {
        return ordering != null && ordering.total();
    }

    @Override
    public String sql() {
        StringBuilder text = new StringBuilder("SELECT ");
        if (!hint.isEmpty()) {
            text.append("/*+ ").append(hint).append(" */ ");
        }
        if (distinct) {
            text.append("DISTINCT ");
        }
        List<String> rendered = new ArrayList<>();
        for (Item item : items) {
            rendered.add(item.expression() + " AS " + item.column().name());
        }
        text.append(String.join(", ", rendered)).append(" FROM ").append(from.sql());
        if (!where.isEmpty()) {
            text.append(" WHERE ").append(String.join(" AND ", where));
        }
        if (!groupBy.isEmpty()) {
            text.append(" GROUP BY ").append(String.join(", ", groupBy));
        }
        if (!having.isEmpty()) {
            text.append(" HAVING ").append(String.join(" AND ", having));
        }
        if (ordering != null) {
            text.append(ordering.sql());
        }
        return text.toString();
    }

    @Override
    public List<Query> smaller() {
        List<Query> smaller = new ArrayList<>();
        for (Relation relation : from.smaller()) {
            smaller.add(new Select(hint, distinct, items, relation, where, groupBy, aggregate, having, ordering));
        }
        if (ordering != null) {
            smaller.add(new Select(hint, distinct, items, from, where, groupBy, aggregate, having, null));
            for (Ordering less : ordering.smaller()) {
                smaller.add(new Select(hint, distinct, items, from, where, groupBy, aggregate, having, less));
            }
        }
        for (int i = 0; i < where.size(); i++) {
            smaller.add(new Select(hint, distinct, items, from, without(where, i), groupBy, aggregate, having,
                    ordering));
        }
        for (int i = 0; i < having.size(); i++) {
            smaller.add(new Select(hint, distinct, items, from, where, groupBy, aggregate, without(having, i),
                    ordering));
        }
        if (items.size() > 1) {
            for (int i = 0; i < items.size(); i++) {
                Ordering less = ordering == null ? null : ordering.without(items.get(i).column().name());
                smaller.add(new Select(hint, distinct, without(items, i), from, where, groupBy, aggregate, having,
                        less));
            }
        }
        if (distinct) {
            smaller.add(new Select(hint, false, items, from, where, groupBy, aggregate, having, ordering));
        }
        if (!hint.isEmpty()) {
            smaller.add(new Select("", distinct, items, from, where, groupBy, aggregate, having, ordering));
        }
        return smaller;
    }

    private static <T> List<T> without(List<T> list, int index) {
        List<T> copy = new ArrayList<>(list);
        copy.remove(index);
        return copy;
    }
}
