package dev.ember.exec.join;

import static java.util.Objects.requireNonNull;

import dev.ember.exec.OperatorMetrics;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.types.DataType;

/**
 * What a shuffled hash join's tasks need from the driver besides its {@link JoinSpec}: the column types
 * of both sides, the output batch size and the metrics to report.
 *
 * @param buildTypes the build side's column types
 * @param streamTypes the stream side's column types
 * @param maxRows the most rows in one output batch
 * @param metrics the operator's common metrics
 * @param peak peak memory held by the join (bytes)
 * @param buildRows build rows indexed
 * @param spillBytes bytes written to spill files
 * @param spillPartitions spill parts written (each split writes one per part and side)
 */
record JoinSetup(List<DataType> buildTypes, List<DataType> streamTypes, int maxRows, OperatorMetrics metrics,
        SQLMetric peak, SQLMetric buildRows, SQLMetric spillBytes, SQLMetric spillPartitions) implements Serializable {
    JoinSetup {
        buildTypes = List.copyOf(buildTypes);
        streamTypes = List.copyOf(streamTypes);
        requireNonNull(metrics, "metrics is null");
        requireNonNull(peak, "peak is null");
        requireNonNull(buildRows, "buildRows is null");
        requireNonNull(spillBytes, "spillBytes is null");
        requireNonNull(spillPartitions, "spillPartitions is null");
    }
}
