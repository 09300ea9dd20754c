package dev.ember.fuzz.generate;

/**
 * The query shapes and error risks the generator produces. Each generated query records the shapes it
 * holds, so that differences can be told apart by shape and a run can leave shapes out
 * ({@code --exclude}, {@code -Dember.fuzz.exclude}).
 *
 * <p>The risk shapes are expressions that may fail at run time with one Spark error condition. A query
 * holds at most one of them, so that when it fails, Spark and Ember fail with the same condition whichever
 * row or task fails first.
 */
public enum Shape {
    JOIN(null),
    OUTER_JOIN(null),
    SEMI_ANTI_JOIN(null),
    JOIN_HINT(null),
    IN_SUBQUERY(null),
    NOT_IN_SUBQUERY(null),
    EXISTS_SUBQUERY(null),
    /** IN or EXISTS under OR or in the select list: Spark plans them as existence joins. */
    EXISTENCE_JOIN(null),
    SCALAR_SUBQUERY(null),
    DERIVED_TABLE(null),
    CTE(null),
    SET_OPERATION(null),
    AGGREGATE(null),
    AGGREGATE_FILTER(null),
    DISTINCT_AGGREGATE(null),
    /** An aggregate over a derived table that aggregates. */
    NESTED_AGGREGATE(null),
    /** An aggregate over a UNION ALL of aggregating branches. */
    AGGREGATE_OVER_UNION(null),
    WINDOW(null),
    DISTINCT(null),
    ORDER_LIMIT(null),
    LIMIT_OFFSET(null),
    /**
     * Integer arithmetic and negation, long sums; or a wide decimal sum alone, which may raise
     * {@code NUMERIC_VALUE_OUT_OF_RANGE} instead, by where in the plan it overflows.
     */
    ARITHMETIC_OVERFLOW("ARITHMETIC_OVERFLOW"),
    /**
     * Decimal products, quotients and narrowing casts; or a wide decimal average alone, which may raise
     * {@code ARITHMETIC_OVERFLOW} instead, by where in the plan it overflows.
     */
    DECIMAL_OVERFLOW("NUMERIC_VALUE_OUT_OF_RANGE"),
    REMAINDER_BY_ZERO("REMAINDER_BY_ZERO"),
    CAST_OVERFLOW("CAST_OVERFLOW"),
    CAST_INVALID_INPUT("CAST_INVALID_INPUT");

    private final String condition;

    Shape(String condition) {
        this.condition = condition;
    }

    /** Whether the shape is an error risk rather than a query shape. */
    public boolean risk() {
        return condition != null;
    }

    /** The Spark error condition a risk shape may raise (its prefix), or null for a query shape. */
    public String condition() {
        return condition;
    }
}
