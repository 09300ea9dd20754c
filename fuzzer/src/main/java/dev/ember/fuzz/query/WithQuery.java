package dev.ember.fuzz.query;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/** {@code WITH name AS (definition) body}: one common table expression, which the body reads. */
public record WithQuery(String name, Query definition, Query body) implements Query {
    public WithQuery {
        requireNonNull(name, "name is null");
        requireNonNull(definition, "definition is null");
        requireNonNull(body, "body is null");
    }

    @Override
    public List<OutputColumn> output() {
        return body.output();
    }

    @Override
    public boolean ordered() {
        return body.ordered();
    }

    @Override
    public String sql() {
        return "WITH " + name + " AS (" + definition.sql() + ") " + body.sql();
    }

    @Override
    public List<Query> smaller() {
        List<Query> smaller = new ArrayList<>();
        for (Query less : body.smaller()) {
            smaller.add(new WithQuery(name, definition, less));
        }
        for (Query less : definition.smaller()) {
            smaller.add(new WithQuery(name, less, body));
        }
        return smaller;
    }
}
