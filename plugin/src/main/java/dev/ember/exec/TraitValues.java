package dev.ember.exec;

import dev.ember.shims.SparkApiMismatchException;

/**
 * The initial values of a Scala trait's private lazy values, for Ember nodes that implement one of Spark's
 * exchange traits in Java ({@code ShuffleExchangeLike}, {@code BroadcastExchangeLike}). scalac compiles such
 * a value into a synthetic static method of the trait ({@code <trait path>$$<name>$}) that javac does not let
 * Java call by name, so it is looked up and called reflectively; the node caches the result, as the lazy
 * value would.
 */
public final class TraitValues {
    private TraitValues() {}

    /**
     * The trait's own initial value {@code name} for {@code self}.
     *
     * @param node the Ember node, for the message when this Spark version lacks the value
     * @throws SparkApiMismatchException when the trait has no such value
     */
    @SuppressWarnings("unchecked")
    public static <T> T initial(Class<?> trait, Object self, String name, String node) {
        String method = trait.getName().replace('.', '$') + "$$" + name + "$";
        try {
            return (T) trait.getMethod(method, trait).invoke(null, self);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new SparkApiMismatchException("this Spark version's " + trait.getSimpleName() + " has no " + name
                    + " where " + node + " expects it", e);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }
}
