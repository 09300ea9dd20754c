package dev.ember.exec.exchange;

import static java.util.Objects.requireNonNull;

import dev.ember.device.Device;
import dev.ember.exec.Rdds;
import dev.ember.exec.Seqs;
import dev.ember.exec.aggregate.ExpressionColumns;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.RangePartitioner;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.codegen.LazilyGeneratedOrdering;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.physical.HashPartitioning;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.RangePartitioning;
import org.apache.spark.sql.catalyst.plans.physical.RoundRobinPartitioning;
import org.apache.spark.sql.catalyst.plans.physical.SinglePartition$;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.util.random.XORShiftRandom;
import scala.Product2;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.reflect.ClassTag$;

/**
 * Which reduce partition each row of a map-side batch goes to, as Spark's exchange decides it: hash
 * partitioning by {@code pmod(murmur3(keys, 42), n)} on the device (bit-identical to Spark, so an
 * Ember exchange and a Spark exchange on the two sides of a join agree), a single partition, round
 * robin from the same start as Spark, or Spark's range partitioner over the sort keys. Built on the driver; travels to executors with the partition
 * function.
 */
final class ShuffleRouting implements Serializable {
    private static final long serialVersionUID = 1L;

    enum Kind { HASH, SINGLE, ROUND_ROBIN, RANGE }

    private final Kind kind;
    private final int partitions;
    /** The hash keys; null unless {@code kind} is HASH. */
    private final ExpressionColumns keys;
    /** Spark's range partitioner with its sampled bounds; null unless {@code kind} is RANGE. */
    private final RangePartitioner<InternalRow, Object> range;
    /** The sort keys and the input they are bound to; null unless {@code kind} is RANGE. */
    private final Seq<Expression> sortKeys;
    private final Seq<Attribute> input;

    private ShuffleRouting(Kind kind, int partitions, ExpressionColumns keys, RangePartitioner<InternalRow, Object> range,
            Seq<Expression> sortKeys, Seq<Attribute> input) {
        this.kind = kind;
        this.partitions = partitions;
        this.keys = keys;
        this.range = range;
        this.sortKeys = sortKeys;
        this.input = input;
    }

    /** The kind of partitioning Ember's exchange writes, or null when it writes none of them. */
    static Kind kindOf(Partitioning partitioning) {
        if (partitioning instanceof HashPartitioning) {
            return Kind.HASH;
        }
        if (partitioning == SinglePartition$.MODULE$) {
            return Kind.SINGLE;
        }
        if (partitioning instanceof RoundRobinPartitioning) {
            return Kind.ROUND_ROBIN;
        }
        if (partitioning instanceof RangePartitioning) {
            return Kind.RANGE;
        }
        return null;
    }

    /** The hash keys of a partitioning, empty for the other kinds. */
    static List<Expression> keysOf(Partitioning partitioning) {
        return partitioning instanceof HashPartitioning hash ? Seqs.toList(hash.expressions()) : List.of();
    }

    /**
     * Binds a partitioning that {@link #kindOf} accepted to the exchange's input; driver side. Range
     * partitioning samples its bounds here, as Spark's exchange does: a job over {@code inputRdd} that
     * reads the sort keys of a sample of rows, with Spark's own {@code RangePartitioner} and sample size
     * ({@code spark.sql.execution.rangeExchange.sampleSizePerPartition}), so the bounds, and the partition
     * of every row, are Spark's.
     */
    static ShuffleRouting bind(Partitioning partitioning, List<Attribute> input, RDD<ColumnarBatch> inputRdd) {
        Kind kind = requireNonNull(kindOf(partitioning), "unsupported partitioning");
        if (kind == Kind.RANGE) {
            RangePartitioning ranges = (RangePartitioning) partitioning;
            List<SortOrder> orders = Seqs.toList(ranges.ordering());
            List<Expression> sortKeys = new ArrayList<>();
            List<SortOrder> bound = new ArrayList<>();
            for (int i = 0; i < orders.size(); i++) {
                SortOrder order = orders.get(i);
                sortKeys.add(order.child());
                bound.add(new SortOrder(new BoundReference(i, order.dataType(), order.nullable()), order.direction(),
                        order.nullOrdering(), order.sameOrderExpressions()));
            }
            Seq<Expression> keySeq = Seqs.from(sortKeys);
            Seq<Attribute> inputSeq = Seqs.from(input);
            RDD<Product2<InternalRow, Object>> sample = Rdds.mapPartitions(inputRdd, new SortKeys(keySeq, inputSeq),
                    productClass());
            RangePartitioner<InternalRow, Object> range = new RangePartitioner<>(ranges.numPartitions(), sample, true,
                    SQLConf.get().rangeExchangeSampleSizePerPartition(),
                    new LazilyGeneratedOrdering(Seqs.from(bound)), ClassTag$.MODULE$.apply(InternalRow.class));
            return new ShuffleRouting(kind, range.numPartitions(), null, range, keySeq, inputSeq);
        }
        ExpressionColumns keys = kind == Kind.HASH ? ExpressionColumns.bind(keysOf(partitioning), input) : null;
        return new ShuffleRouting(kind, partitioning.numPartitions(), keys, null, null, null);
    }

    @SuppressWarnings("unchecked")
    private static Class<Product2<InternalRow, Object>> productClass() {
        return (Class<Product2<InternalRow, Object>>) (Class<?>) Product2.class;
    }

    /** The sort keys of every row, as rows, for the range partitioner's sample. */
    private static final class SortKeys implements Rdds.PartitionFunction<ColumnarBatch, Product2<InternalRow, Object>> {
        private static final long serialVersionUID = 1L;
        private final Seq<Expression> keys;
        private final Seq<Attribute> input;

        SortKeys(Seq<Expression> keys, Seq<Attribute> input) {
            this.keys = keys;
            this.input = input;
        }

        @Override
        public scala.collection.Iterator<Product2<InternalRow, Object>> apply(
                scala.collection.Iterator<ColumnarBatch> batches) {
            UnsafeProjection projection = UnsafeProjection.create(keys, input);
            return batches.flatMap(batch -> scala.jdk.javaapi.CollectionConverters.asScala(batch.rowIterator())
                    .map(row -> (Product2<InternalRow, Object>) new Tuple2<InternalRow, Object>(
                            projection.apply(row).copy(), null)));
        }
    }

    int partitions() {
        return partitions;
    }

    /** Whether every row goes to partition 0 (nothing to split). */
    boolean single() {
        return kind == Kind.SINGLE || partitions == 1;
    }

    /** The routing state of one map task. */
    Task start(int mapPartition) {
        return new Task(mapPartition);
    }

    final class Task {
        /** Spark's round-robin position: the last row went to {@code position mod n}. */
        private int position;

        private Task(int mapPartition) {
            if (kind == Kind.ROUND_ROBIN) {
                position = new XORShiftRandom(mapPartition).nextInt(partitions);
            }
        }

        private UnsafeProjection rangeKeys;

        /** The partition id of each row of {@code batch} (whose vectors are {@code columns}); a new vector the caller owns. */
        IntVector partitionIds(ColumnarBatch batch, List<FieldVector> columns, Device device, BufferAllocator allocator) {
            int rows = batch.numRows();
            if (kind == Kind.RANGE) {
                // Spark's range partitioner, row by row over the sort keys: the bounds are rows
                if (rangeKeys == null) {
                    rangeKeys = UnsafeProjection.create(sortKeys, input);
                }
                IntVector ids = new IntVector("partition", allocator);
                try {
                    ids.allocateNew(Math.max(rows, 1));
                    for (int row = 0; row < rows; row++) {
                        ids.set(row, range.getPartition(rangeKeys.apply(batch.getRow(row))));
                    }
                    ids.setValueCount(rows);
                    return ids;
                } catch (RuntimeException e) {
                    ids.close();
                    throw e;
                }
            }
            if (kind == Kind.HASH) {
                List<FieldVector> keyColumns = keys.evaluate(columns, rows, device, allocator);
                try {
                    return device.hashPartition(keyColumns, rows, partitions, allocator);
                } finally {
                    keyColumns.forEach(FieldVector::close);
                }
            }
            IntVector ids = new IntVector("partition", allocator);
            try {
                ids.allocateNew(Math.max(rows, 1));
                for (int row = 0; row < rows; row++) {
                    // Spark: key = ++position, partition = nonNegativeMod(key, n)
                    position++;
                    int mod = position % partitions;
                    ids.set(row, mod < 0 ? mod + partitions : mod);
                }
                ids.setValueCount(rows);
                return ids;
            } catch (RuntimeException e) {
                ids.close();
                throw e;
            }
        }
    }
}
