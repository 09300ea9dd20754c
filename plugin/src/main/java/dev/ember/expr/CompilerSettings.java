package dev.ember.expr;

import static java.util.Objects.requireNonNull;

import java.util.function.Predicate;

/**
 * What the expression compiler needs to know about the session.
 *
 * @param ansiEnabled {@code spark.sql.ansi.enabled}: raise Spark's errors on overflow, division by
 *     zero and invalid casts instead of returning null
 * @param sessionTimeZone {@code spark.sql.session.timeZone}
 * @param expressionEnabled answers, for an expression name such as {@code Add}, whether its enable
 *     key {@code spark.ember.expression.<Name>.enabled} is on
 */
public record CompilerSettings(boolean ansiEnabled, String sessionTimeZone, Predicate<String> expressionEnabled) {
    public CompilerSettings {
        requireNonNull(sessionTimeZone, "sessionTimeZone is null");
        requireNonNull(expressionEnabled, "expressionEnabled is null");
    }
}
