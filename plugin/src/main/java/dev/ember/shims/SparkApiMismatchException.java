package dev.ember.shims;

/**
 * A Spark API that Ember reads is missing or differs in the running Spark version: thrown by
 * {@link SparkShims} where it detects that. The planner leaves the node that needed the API in Spark with
 * this message as its reason (as it does for a {@link LinkageError} such as {@link NoSuchMethodError});
 * any other exception while planning is an Ember bug, never taken for a version difference.
 */
public final class SparkApiMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SparkApiMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
