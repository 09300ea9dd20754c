package dev.ember.shims;

import java.lang.reflect.Method;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateFunction;
import org.apache.spark.sql.internal.SQLConf;

/**
 * The one place where Ember reads Spark APIs that differ between the Spark versions it runs on (4.0,
 * 4.1, 4.2). Each method says which versions differ and how.
 */
public final class SparkShims {
    private SparkShims() {}

    /**
     * The eval mode (an {@code EvalMode} value) of Sum or Average: Spark 4.1 keeps it in an
     * {@code evalContext()}, Spark 4.0 in {@code evalMode()}.
     *
     * @throws SparkApiMismatchException when neither exists (an unknown Spark version)
     */
    public static Object evalModeOf(AggregateFunction function) {
        try {
            Method context = function.getClass().getMethod("evalContext");
            Object evalContext = context.invoke(function);
            return evalContext.getClass().getMethod("evalMode").invoke(evalContext);
        } catch (NoSuchMethodException e) {
            // Spark 4.0: the mode is a field of the function itself
        } catch (ReflectiveOperationException e) {
            throw new SparkApiMismatchException("cannot read the eval mode of " + function.prettyName(), e);
        }
        try {
            return function.getClass().getMethod("evalMode").invoke(function);
        } catch (ReflectiveOperationException e) {
            throw new SparkApiMismatchException("this Spark version keeps the eval mode of " + function.prettyName()
                    + " where Ember does not look for it", e);
        }
    }

    /**
     * The most bytes a broadcast may hold: Spark 4.1 reads {@code spark.sql.maxBroadcastTableSize}
     * ({@code SQLConf.maxBroadcastTableSizeInBytes}); Spark 4.0 has no such setting and a fixed 8 GiB.
     */
    public static long maxBroadcastTableBytes(SQLConf conf) {
        try {
            return (Long) SQLConf.class.getMethod("maxBroadcastTableSizeInBytes").invoke(conf);
        } catch (NoSuchMethodException e) {
            return 8L << 30;
        } catch (ReflectiveOperationException e) {
            throw new SparkApiMismatchException("cannot read this Spark version's broadcast size limit", e);
        }
    }
}
