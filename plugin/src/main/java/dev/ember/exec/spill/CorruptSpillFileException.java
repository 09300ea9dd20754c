package dev.ember.exec.spill;

/**
 * A spill file does not hold what Ember wrote to it: it is shorter or longer, its checksum differs, or
 * its rows do not parse. The disk under {@code spark.local.dir} (or something else writing there) damaged
 * it between write and read. The task fails; Spark's task retry writes the spill again from the task's
 * input.
 */
public final class CorruptSpillFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CorruptSpillFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
