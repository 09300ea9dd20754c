package dev.ember.exec;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import org.apache.spark.sql.execution.metric.SQLMetric;

/**
 * The metrics every Ember operator reports, as the partition function carries them to executors.
 *
 * @param outputRows rows produced
 * @param outputBatches batches produced
 * @param operatorTime nanoseconds spent in the operator itself, children excluded
 */
public record OperatorMetrics(SQLMetric outputRows, SQLMetric outputBatches, SQLMetric operatorTime)
        implements Serializable {
    public OperatorMetrics {
        requireNonNull(outputRows, "outputRows is null");
        requireNonNull(outputBatches, "outputBatches is null");
        requireNonNull(operatorTime, "operatorTime is null");
    }

    /** Counts one produced batch. */
    public void produced(int rows) {
        outputRows.add(rows);
        outputBatches.add(1);
    }
}
