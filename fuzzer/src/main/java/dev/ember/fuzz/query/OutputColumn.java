package dev.ember.fuzz.query;

import static java.util.Objects.requireNonNull;

import dev.ember.fuzz.Family;
import dev.ember.fuzz.FuzzType;

/**
 * A column a query yields, or one an expression can reference (then {@code name} is the qualified
 * reference such as {@code a1.c2}).
 *
 * @param name the column's name or reference
 * @param family the family of its values
 * @param type the table column's type when the column passes a table column through unchanged, else
 *     null; sums and averages of floating columns need it, because only table values are exact
 */
public record OutputColumn(String name, Family family, FuzzType type) {
    public OutputColumn {
        requireNonNull(name, "name is null");
        requireNonNull(family, "family is null");
        if (type != null && type.family() != family) {
            throw new IllegalArgumentException(name + ": type " + type + " is not of family " + family);
        }
    }

    /** The same column under another name. */
    public OutputColumn named(String other) {
        return new OutputColumn(other, family, type);
    }
}
