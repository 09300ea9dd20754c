package dev.ember.expr;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Expression;
import scala.collection.Iterator;

/** Small conversions between Scala collections and Java lists, for Catalyst's constructors and fields. */
final class Scala {
    private Scala() {}

    static <T> List<T> toList(scala.collection.Iterable<T> iterable) {
        List<T> list = new ArrayList<>();
        Iterator<T> iterator = iterable.iterator();
        while (iterator.hasNext()) {
            list.add(iterator.next());
        }
        return list;
    }

    static <T> scala.collection.immutable.Seq<T> toSeq(List<T> list) {
        return scala.jdk.javaapi.CollectionConverters.asScala(list).toSeq();
    }

    static List<Expression> children(Expression expression) {
        return toList(expression.children());
    }
}
