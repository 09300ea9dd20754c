package dev.ember.fuzz;

/**
 * The kind of value an expression yields, as far as the query generator needs to know it: which
 * operators, functions and comparisons apply. Integral, decimal and floating values compare with each
 * other; every other family only with itself.
 */
public enum Family {
    BOOLEAN,
    INTEGRAL,
    DECIMAL,
    FLOATING,
    STRING,
    DATE,
    TIMESTAMP;

    /** Whether the family holds numbers (arithmetic, sums, averages). */
    public boolean numeric() {
        return this == INTEGRAL || this == DECIMAL || this == FLOATING;
    }

    /** Whether values of the two families compare with each other without an explicit cast. */
    public boolean comparesWith(Family other) {
        return this == other || (numeric() && other.numeric());
    }
}
