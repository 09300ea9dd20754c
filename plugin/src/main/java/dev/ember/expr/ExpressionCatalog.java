package dev.ember.expr;

import java.util.List;

/**
 * The expressions Ember compiles, one entry each, in the order the docs list them.
 *
 * <p>STUB: the expression work fills the table.
 */
public final class ExpressionCatalog {
    private ExpressionCatalog() {}

    public static List<ExpressionEntry> entries() {
        return List.of();
    }
}
