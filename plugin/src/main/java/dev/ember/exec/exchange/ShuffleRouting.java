package dev.ember.exec.exchange;

import static java.util.Objects.requireNonNull;

import dev.ember.device.Device;
import dev.ember.exec.Seqs;
import dev.ember.exec.aggregate.ExpressionColumns;
import java.io.Serializable;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.physical.HashPartitioning;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.RoundRobinPartitioning;
import org.apache.spark.sql.catalyst.plans.physical.SinglePartition$;
import org.apache.spark.util.random.XORShiftRandom;

/**
 * Which reduce partition each row of a map-side batch goes to, as Spark's exchange decides it: hash
 * partitioning by {@code pmod(murmur3(keys, 42), n)} on the device (bit-identical to Spark, so an
 * Ember exchange and a Spark exchange on the two sides of a join agree), a single partition, or round
 * robin from the same start as Spark. Built on the driver; travels to executors with the partition
 * function.
 */
final class ShuffleRouting implements Serializable {
    private static final long serialVersionUID = 1L;

    enum Kind { HASH, SINGLE, ROUND_ROBIN }

    private final Kind kind;
    private final int partitions;
    /** The hash keys; null unless {@code kind} is HASH. */
    private final ExpressionColumns keys;

    private ShuffleRouting(Kind kind, int partitions, ExpressionColumns keys) {
        this.kind = kind;
        this.partitions = partitions;
        this.keys = keys;
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
        return null;
    }

    /** The hash keys of a partitioning, empty for the other kinds. */
    static List<Expression> keysOf(Partitioning partitioning) {
        return partitioning instanceof HashPartitioning hash ? Seqs.toList(hash.expressions()) : List.of();
    }

    /** Binds a partitioning that {@link #kindOf} accepted to the exchange's input; driver side. */
    static ShuffleRouting bind(Partitioning partitioning, List<Attribute> input) {
        Kind kind = requireNonNull(kindOf(partitioning), "unsupported partitioning");
        ExpressionColumns keys = kind == Kind.HASH ? ExpressionColumns.bind(keysOf(partitioning), input) : null;
        return new ShuffleRouting(kind, partitioning.numPartitions(), keys);
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

        /** The partition id of each of {@code rows} rows; a new vector the caller owns. */
        IntVector partitionIds(List<FieldVector> columns, int rows, Device device, BufferAllocator allocator) {
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
