package dev.ember.expr;

import static java.util.Objects.requireNonNull;

/**
 * One expression of the support catalog, as the generated docs and the tuner see it.
 *
 * @param name the name in enable keys and docs, Catalyst's class simple name ({@code Add})
 * @param sparkClassName Catalyst's fully qualified class name
 * @param types the input types Ember supports, in words ({@code integral, floating, decimal})
 * @param notes what differs from Spark or falls back, in words; empty when nothing does
 */
public record ExpressionEntry(String name, String sparkClassName, String types, String notes) {
    public ExpressionEntry {
        requireNonNull(name, "name is null");
        requireNonNull(sparkClassName, "sparkClassName is null");
        requireNonNull(types, "types is null");
        requireNonNull(notes, "notes is null");
    }
}
