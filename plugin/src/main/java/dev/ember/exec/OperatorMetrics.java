package dev.ember.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.device.DeviceActivitySink;
import java.io.Serializable;
import org.apache.spark.sql.execution.metric.SQLMetric;

/**
 * The metrics every Ember operator reports, as the partition function carries them to executors.
 *
 * <p>As a {@link DeviceActivitySink} it counts the kernels launched on the operator's behalf: a
 * {@link BatchIterator} makes it the current sink while the operator's own code runs. Used by one
 * task's thread at a time (each task deserializes its own copy of the metrics).
 *
 * @param operator the operator's name, as errors name it ({@code EmberSortExec})
 * @param outputRows rows produced
 * @param outputBatches batches produced
 * @param operatorTime nanoseconds spent in the operator itself, children excluded
 * @param kernelLaunches kernels launched by the operator itself, children excluded; 0 on the host device
 * @param kernelTime nanoseconds those kernels ran, by the device's clock (CUDA events); 0 on the host device
 */
public record OperatorMetrics(String operator, SQLMetric outputRows, SQLMetric outputBatches, SQLMetric operatorTime,
        SQLMetric kernelLaunches, SQLMetric kernelTime) implements Serializable, DeviceActivitySink {
    public OperatorMetrics {
        requireNonNull(operator, "operator is null");
        requireNonNull(outputRows, "outputRows is null");
        requireNonNull(outputBatches, "outputBatches is null");
        requireNonNull(operatorTime, "operatorTime is null");
        requireNonNull(kernelLaunches, "kernelLaunches is null");
        requireNonNull(kernelTime, "kernelTime is null");
    }

    /** Counts one produced batch. */
    public void produced(int rows) {
        outputRows.add(rows);
        outputBatches.add(1);
    }

    @Override
    public void kernelLaunched() {
        kernelLaunches.add(1);
    }

    @Override
    public void kernelTimed(long nanoseconds) {
        kernelTime.add(nanoseconds);
    }
}
