package dev.ember.expr;

import static java.util.Objects.requireNonNull;

/**
 * What a rule of the support catalog answers for one plan node or expression.
 *
 * <ul>
 *   <li>{@link Compatible}: Ember runs it and gives Spark's answer.</li>
 *   <li>{@link Incompatible}: Ember could run it, but the answer may differ from Spark's in a way the
 *       reason describes; it runs only when the user opts in with the rule's enable key.</li>
 *   <li>{@link Unsupported}: Ember cannot run it; it stays in Spark.</li>
 * </ul>
 *
 * <p>Every reason is a sentence a user can act on: what is not supported and, where there is one,
 * the setting that changes it.
 */
public sealed interface SupportLevel {

    SupportLevel COMPATIBLE = new Compatible();

    static SupportLevel compatible() {
        return COMPATIBLE;
    }

    static SupportLevel incompatible(String reason) {
        return new Incompatible(reason);
    }

    static SupportLevel unsupported(String reason) {
        return new Unsupported(reason);
    }

    default boolean isCompatible() {
        return this instanceof Compatible;
    }

    /** The reason, or the empty string for {@link Compatible}. */
    String reason();

    record Compatible() implements SupportLevel {
        @Override
        public String reason() {
            return "";
        }
    }

    record Incompatible(String reason) implements SupportLevel {
        public Incompatible {
            requireNonNull(reason, "reason is null");
        }
    }

    record Unsupported(String reason) implements SupportLevel {
        public Unsupported {
            requireNonNull(reason, "reason is null");
        }
    }
}
