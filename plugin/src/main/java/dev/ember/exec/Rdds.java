package dev.ember.exec;

import java.io.Serializable;
import java.util.function.Function;
import org.apache.spark.rdd.RDD;
import scala.collection.Iterator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/** Runs a per-partition function over an RDD from Java, without capturing the plan node. */
public final class Rdds {
    private Rdds() {}

    /** A partition function that Spark can ship to executors. */
    public interface PartitionFunction<T, U> extends Function<Iterator<T>, Iterator<U>>, Serializable {}

    /** {@code rdd.mapPartitionsInternal(function)}; the function must not capture the plan node. */
    public static <T, U> RDD<U> mapPartitions(RDD<T> rdd, PartitionFunction<T, U> function, Class<U> outputClass) {
        ClassTag<U> tag = ClassTag$.MODULE$.apply(outputClass);
        return rdd.mapPartitionsInternal(new Adapter<>(function), false, tag);
    }

    private static final class Adapter<T, U> extends AbstractFunction1<Iterator<T>, Iterator<U>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final PartitionFunction<T, U> function;

        Adapter(PartitionFunction<T, U> function) {
            this.function = function;
        }

        @Override
        public Iterator<U> apply(Iterator<T> input) {
            return function.apply(input);
        }
    }
}
