package dev.ember.fuzz.run;

import static java.util.Objects.requireNonNull;

/**
 * What running one query with Ember off and on showed.
 *
 * @param kind the kind of outcome
 * @param detail what differs, or how both runs ended
 * @param emberRan whether Ember nodes ran in the Ember run (known only when it answered)
 */
public record Outcome(Kind kind, String detail, boolean emberRan) {
    /** The kinds of outcome; those after {@link #INVALID} are differences. */
    public enum Kind {
        /** Both runs gave the same answer. */
        SAME_ANSWER,
        /** Both runs failed with the same error condition. */
        SAME_ERROR,
        /**
         * The runs ended differently (an error against an answer, or two errors), and Spark running alone
         * again ended as Ember's run did: Spark's own outcome varies from run to run, and Ember's is one of them.
         */
        SPARK_VARIES,
        /** Spark could not analyze the query: a generator defect, not an Ember difference. */
        INVALID,
        /** Both answered, differently. */
        DIFFERENT_ANSWER,
        /** Spark answered and Ember failed (planning or running). */
        EMBER_FAILED,
        /** Spark failed and Ember answered. */
        EMBER_ANSWERED,
        /** Both failed, with different errors. */
        DIFFERENT_ERROR,
        /** Ember kept memory after the query or leaked it in a task. */
        MEMORY_NOT_RELEASED;

        public boolean difference() {
            return ordinal() > INVALID.ordinal();
        }
    }

    public Outcome {
        requireNonNull(kind, "kind is null");
        requireNonNull(detail, "detail is null");
    }

    /** An outcome of a run in which Ember did not answer (or whose Ember nodes do not matter). */
    public Outcome(Kind kind, String detail) {
        this(kind, detail, false);
    }

    public boolean difference() {
        return kind.difference();
    }


    @Override
    public String toString() {
        return kind + ": " + detail;
    }
}
