package dev.ember.expr;

import static java.util.Objects.requireNonNull;

/**
 * Thrown inside the compiler when a sub-expression cannot run on Ember; {@link ExpressionCompiler}
 * turns it into an unsupported {@link dev.ember.expr.SupportLevel} with the same reason.
 */
final class UnsupportedExpressionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnsupportedExpressionException(String reason) {
        super(requireNonNull(reason, "reason is null"), null, false, false);
    }

    String reason() {
        return getMessage();
    }
}
