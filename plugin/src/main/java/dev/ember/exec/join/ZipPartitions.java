package dev.ember.exec.join;

import java.io.Serializable;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.Iterator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/** Zips the partitions of two columnar RDDs from Java without capturing the plan node. */
final class ZipPartitions {
    private ZipPartitions() {}

    /** A function of both sides' partitions that Spark can ship to executors. */
    interface PartitionFunction extends Serializable {
        Iterator<ColumnarBatch> apply(Iterator<ColumnarBatch> left, Iterator<ColumnarBatch> right);
    }

    static RDD<ColumnarBatch> zip(RDD<ColumnarBatch> left, RDD<ColumnarBatch> right, PartitionFunction function) {
        ClassTag<ColumnarBatch> tag = ClassTag$.MODULE$.apply(ColumnarBatch.class);
        return left.zipPartitions(right, false, new Adapter(function), tag, tag);
    }

    private static final class Adapter
            extends AbstractFunction2<Iterator<ColumnarBatch>, Iterator<ColumnarBatch>, Iterator<ColumnarBatch>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final PartitionFunction function;

        Adapter(PartitionFunction function) {
            this.function = function;
        }

        @Override
        public Iterator<ColumnarBatch> apply(Iterator<ColumnarBatch> left, Iterator<ColumnarBatch> right) {
            return function.apply(left, right);
        }
    }
}
