package dev.ember.exec.exchange;

/**
 * A shuffle block written by Ember's exchange cannot be read back: truncated, or its bytes changed.
 * The task fails with it; Spark retries the task, and recomputes the map output when the fetch itself
 * keeps failing.
 */
public final class CorruptShuffleBlockException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CorruptShuffleBlockException(String message) {
        super(message);
    }

    public CorruptShuffleBlockException(String message, Throwable cause) {
        super(message, cause);
    }
}
