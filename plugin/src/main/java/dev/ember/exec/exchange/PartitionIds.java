package dev.ember.exec.exchange;

import org.apache.spark.Partitioner;

/** The partitioner of Ember's shuffle: the record's key already is its reduce partition. */
final class PartitionIds extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;

    PartitionIds(int partitions) {
        this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        return (Integer) key;
    }
}
