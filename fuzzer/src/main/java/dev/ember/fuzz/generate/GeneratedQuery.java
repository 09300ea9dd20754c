package dev.ember.fuzz.generate;

import static java.util.Objects.requireNonNull;

import dev.ember.fuzz.query.Query;
import java.util.Set;

/**
 * A generated query, the seed it was generated from and the shapes it holds.
 *
 * @param seed the query's own seed ({@link QueryGenerator#generate(long)} gives the same query again)
 * @param query the query
 * @param shapes the shapes and the error risk it holds
 */
public record GeneratedQuery(long seed, Query query, Set<Shape> shapes) {
    public GeneratedQuery {
        requireNonNull(query, "query is null");
        shapes = Set.copyOf(shapes);
    }
}
