package dev.ember.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.device.DeviceActivitySink;
import dev.ember.device.Primitive;
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
 * @param hostPrimitiveCalls primitive calls of the operator itself that a GPU device ran on the host (no kernel
 *     for that primitive or input; explain output names which and why); 0 on the host device, which runs
 *     everything on the host by design
 */
public record OperatorMetrics(String operator, SQLMetric outputRows, SQLMetric outputBatches, SQLMetric operatorTime,
        SQLMetric kernelLaunches, SQLMetric kernelTime, SQLMetric hostPrimitiveCalls) implements Serializable, DeviceActivitySink {
    public OperatorMetrics {
        requireNonNull(operator, "operator is null");
        requireNonNull(outputRows, "outputRows is null");
        requireNonNull(outputBatches, "outputBatches is null");
        requireNonNull(operatorTime, "operatorTime is null");
        requireNonNull(kernelLaunches, "kernelLaunches is null");
        requireNonNull(kernelTime, "kernelTime is null");
        requireNonNull(hostPrimitiveCalls, "hostPrimitiveCalls is null");
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

    @Override
    public void primitiveOnHost(Primitive primitive) {
        hostPrimitiveCalls.add(1);
    }
}
