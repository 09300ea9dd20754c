package dev.ember.fuzz.query;

import java.util.List;

/**
 * A generated query as a tree of clauses, so that a shrinker can drop parts of it. Expressions inside
 * clauses are SQL text.
 *
 * <p>Every output column is named {@code o0}, {@code o1}, ... in the generated text; a query that orders
 * its answer orders by every output column, so its row order is fully determined.
 */
public sealed interface Query permits Select, SetOperation, WithQuery {
    /** The output columns, in order. */
    List<OutputColumn> output();

    /** The query as Spark SQL text. */
    String sql();

    /** Whether the answer's row order is determined (the outermost clause orders by every output column). */
    boolean ordered();

    /**
     * Variants of this query with one part less (an output column, a condition, a join side, an ordering,
     * a branch), biggest cuts first. Some variants are no longer valid SQL; a shrinker runs them and keeps
     * only those that still show the difference.
     */
    List<Query> smaller();
}
