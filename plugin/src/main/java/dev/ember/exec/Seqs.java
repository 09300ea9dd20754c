package dev.ember.exec;

import java.util.Arrays;
import java.util.List;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** Conversions between Java lists and the Scala sequences Spark's plan API takes. */
public final class Seqs {
    private Seqs() {}

    @SafeVarargs
    public static <T> Seq<T> of(T... values) {
        return from(Arrays.asList(values));
    }

    public static <T> Seq<T> from(List<T> values) {
        return CollectionConverters.asScala(values).toSeq();
    }

    public static <T> List<T> toList(scala.collection.Seq<T> values) {
        return List.copyOf(CollectionConverters.asJava(values));
    }
}
