package dev.ember.fuzz.query;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code left operator right [ordering]}, where the operator is one of {@code UNION ALL}, {@code UNION},
 * {@code INTERSECT [ALL]}, {@code EXCEPT [ALL]}. Both sides yield the same column families; the output
 * takes the left side's names.
 */
public record SetOperation(Query left, String operator, Query right, Ordering ordering) implements Query {
    public SetOperation {
        requireNonNull(left, "left is null");
        requireNonNull(operator, "operator is null");
        requireNonNull(right, "right is null");
    }

    @Override
    public List<OutputColumn> output() {
        return left.output();
    }

    @Override
    public boolean ordered() {
        return ordering != null && ordering.total();
    }

    @Override
    public String sql() {
        // each side in parentheses: an ORDER BY ... LIMIT of a side stays with that side
        return "(" + left.sql() + ") " + operator + " (" + right.sql() + ")" + (ordering == null ? "" : ordering.sql());
    }

    @Override
    public List<Query> smaller() {
        List<Query> smaller = new ArrayList<>(List.of(left, right));
        if (ordering != null) {
            smaller.add(new SetOperation(left, operator, right, null));
            for (Ordering less : ordering.smaller()) {
                smaller.add(new SetOperation(left, operator, right, less));
            }
        }
        for (Query less : left.smaller()) {
            smaller.add(new SetOperation(less, operator, right, ordering));
        }
        for (Query less : right.smaller()) {
            smaller.add(new SetOperation(left, operator, less, ordering));
        }
        return smaller;
    }
}
