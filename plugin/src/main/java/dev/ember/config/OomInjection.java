package dev.ember.config;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * The value of {@code spark.ember.test.injectOom}: which memory requests of a task Ember's memory
 * manager refuses on purpose, as if the memory limit were exhausted, to test how operators behave under
 * memory pressure. Immutable.
 *
 * <p>A task's requests are numbered from 1 in the order the task makes them (Arrow buffer allocations
 * and growths of operators' heap reservations alike). {@code every:<n>} refuses requests n, 2n, 3n...;
 * {@code random:<seed>} refuses about 1 in 100, chosen by a hash of the seed, the task attempt and the
 * request's number, so the same seed refuses the same requests of the same task attempt. What a
 * refusal then does is the memory manager's contract ({@code dev.ember.memory.MemoryManager}).
 *
 * @param kind which requests are refused
 * @param parameter n for {@link Kind#EVERY}, the seed for {@link Kind#RANDOM}, 0 for {@link Kind#OFF}
 */
public record OomInjection(Kind kind, long parameter) {
    /** Refuses nothing. */
    public static final OomInjection OFF = new OomInjection(Kind.OFF, 0);

    /** The forms a value may take, as error messages and the docs state them. */
    public static final String FORMS = "every:<n> (n a whole number of at least 1), random:<seed> (a whole"
            + " number) or an empty value (off)";

    /** How one in how many requests is refused under {@link Kind#RANDOM}. */
    public static final int RANDOM_ONE_IN = 100;

    /** Which requests a value refuses. */
    public enum Kind {
        /** None. */
        OFF,
        /** Every n-th request of a task. */
        EVERY,
        /** About one in {@link #RANDOM_ONE_IN} requests, chosen from a seed. */
        RANDOM
    }

    public OomInjection {
        requireNonNull(kind, "kind is null");
        if (kind == Kind.EVERY && parameter < 1) {
            throw new IllegalArgumentException("every:<n> needs n >= 1: " + parameter);
        }
        if (kind == Kind.OFF && parameter != 0) {
            throw new IllegalArgumentException("off takes no parameter: " + parameter);
        }
    }

    /**
     * Parses a setting's value: {@code every:<n>}, {@code random:<seed>} or empty (case and surrounding
     * blanks do not matter).
     *
     * @throws IllegalArgumentException saying which forms are accepted
     */
    public static OomInjection parse(String raw) {
        String value = requireNonNull(raw, "raw is null").trim().toLowerCase(Locale.ROOT);
        if (value.isEmpty()) {
            return OFF;
        }
        int colon = value.indexOf(':');
        if (colon > 0) {
            String form = value.substring(0, colon).trim();
            try {
                long parameter = Long.parseLong(value.substring(colon + 1).trim());
                if (form.equals("every") && parameter >= 1) {
                    return new OomInjection(Kind.EVERY, parameter);
                }
                if (form.equals("random")) {
                    return new OomInjection(Kind.RANDOM, parameter);
                }
            } catch (NumberFormatException e) {
                // not a whole number: reported below with the accepted forms
            }
        }
        throw new IllegalArgumentException("expected " + FORMS);
    }

    /** Whether this value refuses nothing. */
    public boolean isOff() {
        return kind == Kind.OFF;
    }

    /**
     * Whether the {@code request}-th request (counted from 1) of task attempt {@code task} is refused.
     * A pure function: the same arguments always give the same answer.
     */
    public boolean refuses(long task, long request) {
        return switch (kind) {
            case OFF -> false;
            case EVERY -> request % parameter == 0;
            case RANDOM -> Long.remainderUnsigned(mix(mix(mix(parameter) ^ task) ^ request), RANDOM_ONE_IN) == 0;
        };
    }

    /** SplitMix64's finalizer: every bit of the input affects every bit of the output. */
    private static long mix(long value) {
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The value as the setting spells it; empty when off. */
    @Override
    public String toString() {
        return switch (kind) {
            case OFF -> "";
            case EVERY -> "every:" + parameter;
            case RANDOM -> "random:" + parameter;
        };
    }
}
