package dev.ember.exec.spill;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.execution.metric.SQLMetric;

/**
 * The spill metrics an operator that can spill reports, as its partition function carries them.
 *
 * @param bytes bytes written to spill files ({@code spillBytes})
 * @param partitions spill files written ({@code spillPartitions}: parts of a split, or sorted runs)
 */
public record SpillMetrics(SQLMetric bytes, SQLMetric partitions) implements Serializable {
    /** The metrics' names, as operators declare them. */
    public static final String BYTES = "spillBytes";
    public static final String PARTITIONS = "spillPartitions";

    public SpillMetrics {
        requireNonNull(bytes, "bytes is null");
        requireNonNull(partitions, "partitions is null");
    }

    /** Counts written parts. */
    public void count(List<SpilledPart> parts) {
        for (SpilledPart part : parts) {
            count(part);
        }
    }

    /** Counts one written part. */
    public void count(SpilledPart part) {
        bytes.add(part.bytes());
        partitions.add(1);
    }
}
