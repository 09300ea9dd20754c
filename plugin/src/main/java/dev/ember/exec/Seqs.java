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

    /** The attributes a list of named expressions produces: a projection's output. */
    public static Seq<org.apache.spark.sql.catalyst.expressions.Attribute> attributesOf(
            scala.collection.Seq<org.apache.spark.sql.catalyst.expressions.NamedExpression> expressions) {
        List<org.apache.spark.sql.catalyst.expressions.Attribute> attributes = new java.util.ArrayList<>();
        for (org.apache.spark.sql.catalyst.expressions.NamedExpression expression : toList(expressions)) {
            attributes.add(expression.toAttribute());
        }
        return from(attributes);
    }

    /** The data types of a plan's output columns, in order. */
    public static List<org.apache.spark.sql.types.DataType> typesOf(
            scala.collection.Seq<org.apache.spark.sql.catalyst.expressions.Attribute> output) {
        List<org.apache.spark.sql.types.DataType> types = new java.util.ArrayList<>();
        for (org.apache.spark.sql.catalyst.expressions.Attribute attribute : toList(output)) {
            types.add(attribute.dataType());
        }
        return types;
    }

    public static <T> List<T> toList(scala.collection.Seq<T> values) {
        return List.copyOf(CollectionConverters.asJava(values));
    }
}
