package dev.ember.device.cuda;

import static dev.ember.device.cuda.CudaException.check;

import dev.ember.device.DeviceActivitySink;
import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUevent;
import jcuda.driver.JCudaDriver;

/**
 * The launches on one thread's stream whose kernel time is not read yet: each with the events
 * recorded before and after it and the sink that was current when it was launched.
 *
 * <p>Confined to the thread that owns the stream. The events come from an {@link EventPool} and go
 * back to it when the times are read, or discarded after a failure.
 */
final class TimedLaunches {

    private record Launch(Kernel kernel, CUevent start, CUevent end, DeviceActivitySink sink) {}

    private final EventPool events;
    private final List<Launch> pending = new ArrayList<>();

    TimedLaunches(EventPool events) {
        this.events = events;
    }

    /** Remembers a launch between {@code start} and {@code end}, both recorded on the stream; owns them now. */
    void add(Kernel kernel, CUevent start, CUevent end, DeviceActivitySink sink) {
        pending.add(new Launch(kernel, start, end, sink));
    }

    /** How many launches wait for their time to be read. */
    int pending() {
        return pending.size();
    }

    /**
     * Reports each pending launch's device time to its sink and gives the events back. Call after the
     * stream was synchronized, so that every event has completed.
     *
     * @throws CudaException when the driver cannot give an elapsed time; the events go back anyway
     */
    void report() {
        try {
            float[] milliseconds = new float[1];
            for (Launch launch : pending) {
                check(JCudaDriver.cuEventElapsedTime(milliseconds, launch.start(), launch.end()),
                        "cuEventElapsedTime around kernel " + launch.kernel().entryPoint());
                launch.sink().kernelTimed(Math.round(milliseconds[0] * 1_000_000.0));
            }
        } finally {
            discard();
        }
    }

    /** Gives the events of every pending launch back without reading their times (the stream failed). */
    void discard() {
        for (Launch launch : pending) {
            events.release(launch.start());
            events.release(launch.end());
        }
        pending.clear();
    }
}
