package dev.ember.expr;

import org.apache.spark.sql.catalyst.expressions.Expression;

/** The wording of unsupported answers, kept in one place so that every reason reads alike. */
final class Reasons {
    private Reasons() {}

    /** The expression's SQL text, or its string form where Catalyst cannot print SQL for it. */
    static String sql(Expression expression) {
        try {
            return expression.sql();
        } catch (Exception e) {
            // Unresolved or invalid expressions cannot print SQL; Catalyst may throw checked exceptions.
            return expression.getClass().getSimpleName();
        }
    }

    static UnsupportedExpressionException unsupportedType(Expression expression, ValueType type) {
        return new UnsupportedExpressionException("cannot run because " + expression.getClass().getSimpleName()
                + " on " + type + " is not supported by Ember (" + sql(expression) + ")");
    }

    static UnsupportedExpressionException unsupported(Expression expression, String what) {
        return new UnsupportedExpressionException("cannot run because " + what + " is not supported by Ember ("
                + sql(expression) + ")");
    }
}
