package dev.ember.exec.union;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.OneToOneDependency;
import org.apache.spark.Partition;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * The union of RDDs that share one partitioning: output partition {@code i} reads partition {@code i} of
 * every input, one after another, so rows of one key stay in one partition. Spark's own
 * {@code UnionExec} does this for rows when its children are co-partitioned (Spark 4.1's
 * {@code spark.sql.unionOutputPartitioning}) and leaves the shuffle above the union out; a plain
 * {@code SparkContext.union} would append the inputs' partitions instead and split every key.
 *
 * <p>Inputs with no partitions at all (an empty relation) are left out, as Spark leaves them out; every
 * other input must have the same number of partitions (adaptive execution coalesces co-partitioned shuffle
 * reads alike, so that number may be smaller than the partitioning's).
 */
final class PartitionAlignedUnion extends RDD<ColumnarBatch> {
    private static final long serialVersionUID = 1L;

    private final List<RDD<ColumnarBatch>> inputs;
    private final int numPartitions;

    /**
     * @param inputs RDDs whose partition {@code i} holds the same keys; those with no partitions are dropped
     * @throws IllegalStateException when two non-empty inputs have different partition counts
     */
    static PartitionAlignedUnion of(SparkContext context, List<RDD<ColumnarBatch>> inputs) {
        List<RDD<ColumnarBatch>> nonEmpty = new ArrayList<>();
        int numPartitions = 0;
        for (RDD<ColumnarBatch> input : inputs) {
            int count = input.getNumPartitions();
            if (count == 0) {
                continue;
            }
            if (numPartitions != 0 && count != numPartitions) {
                throw new IllegalStateException("the inputs of a union of co-partitioned inputs have " + numPartitions
                        + " and " + count + " partitions; please report this query's plan");
            }
            numPartitions = count;
            nonEmpty.add(input);
        }
        return new PartitionAlignedUnion(context, nonEmpty, numPartitions);
    }

    private PartitionAlignedUnion(SparkContext context, List<RDD<ColumnarBatch>> inputs, int numPartitions) {
        super(context, dependencies(inputs), ClassTag$.MODULE$.apply(ColumnarBatch.class));
        this.inputs = List.copyOf(inputs);
        this.numPartitions = numPartitions;
    }

    private static Seq<org.apache.spark.Dependency<?>> dependencies(List<RDD<ColumnarBatch>> inputs) {
        List<org.apache.spark.Dependency<?>> dependencies = new ArrayList<>();
        for (RDD<ColumnarBatch> input : inputs) {
            dependencies.add(new OneToOneDependency<>(input));
        }
        return CollectionConverters.asScala(dependencies).toSeq();
    }

    @Override
    public Partition[] getPartitions() {
        Partition[] partitions = new Partition[numPartitions];
        for (int i = 0; i < numPartitions; i++) {
            Partition[] parents = new Partition[inputs.size()];
            for (int input = 0; input < inputs.size(); input++) {
                parents[input] = inputs.get(input).partitions()[i];
            }
            partitions[i] = new AlignedPartition(i, parents);
        }
        return partitions;
    }

    @Override
    public Iterator<ColumnarBatch> compute(Partition split, TaskContext context) {
        requireNonNull(split, "split is null");
        Partition[] parents = ((AlignedPartition) split).parents;
        List<RDD<ColumnarBatch>> sources = inputs;
        // each input's iterator is opened only when the previous one is exhausted, as Spark's union reads
        java.util.Iterator<ColumnarBatch> chained = new java.util.Iterator<>() {
            private int next;
            private Iterator<ColumnarBatch> current = Iterator.empty();

            @Override
            public boolean hasNext() {
                while (!current.hasNext()) {
                    if (next == parents.length) {
                        return false;
                    }
                    current = sources.get(next).iterator(parents[next], context);
                    next++;
                }
                return true;
            }

            @Override
            public ColumnarBatch next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException("no more batches");
                }
                return current.next();
            }
        };
        return CollectionConverters.asScala(chained);
    }

    /** The host most of the partition's inputs prefer, as Spark's partition-aware union picks it. */
    @Override
    public Seq<String> getPreferredLocations(Partition split) {
        Partition[] parents = ((AlignedPartition) split).parents;
        Map<String, Integer> votes = new HashMap<>();
        for (int input = 0; input < parents.length; input++) {
            for (String host : CollectionConverters.asJava(inputs.get(input).preferredLocations(parents[input]))) {
                votes.merge(host, 1, Integer::sum);
            }
        }
        String best = null;
        for (Map.Entry<String, Integer> vote : votes.entrySet()) {
            if (best == null || vote.getValue() > votes.get(best)) {
                best = vote.getKey();
            }
        }
        return best == null ? CollectionConverters.asScala(List.<String>of()).toSeq()
                : CollectionConverters.asScala(List.of(best)).toSeq();
    }

    /** Partition {@code index} of the union: partition {@code index} of each input. */
    private static final class AlignedPartition implements Partition {
        private static final long serialVersionUID = 1L;
        private final int index;
        private final Partition[] parents;

        AlignedPartition(int index, Partition[] parents) {
            this.index = index;
            this.parents = parents;
        }

        @Override
        public int index() {
            return index;
        }

        @Override
        public int hashCode() {
            return index;
        }

        @Override
        public boolean equals(Object other) {
            return other == this;
        }
    }
}
