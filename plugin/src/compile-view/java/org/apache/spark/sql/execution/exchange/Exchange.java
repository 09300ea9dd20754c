package org.apache.spark.sql.execution.exchange;

import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.UnaryExecNode;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * A compile-time view of Spark's {@code Exchange}, never packaged or run (see the compiler settings in
 * plugin/pom.xml): the same members Ember's subclasses use, with the generic signature of
 * {@code withNewChildrenInternal} that scalac leaves out of the real class file.
 */
public abstract class Exchange extends SparkPlan implements UnaryExecNode {
    private static final long serialVersionUID = 1L;

    @Override
    public Seq<Attribute> output() {
        throw new UnsupportedOperationException("compile-time view");
    }

    @Override
    public final Seq<SparkPlan> children() {
        throw new UnsupportedOperationException("compile-time view");
    }

    @Override
    public final SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        throw new UnsupportedOperationException("compile-time view");
    }
}
