package dev.ember.device.cuda;

import static dev.ember.device.cuda.CudaException.check;
import static dev.ember.device.cuda.CudaException.errorName;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * CUDA events with timing enabled, created on demand and reused: the events {@link KernelLauncher}
 * records around launches to measure kernel time on the device's clock.
 *
 * <p>Thread-safe. An event is either idle here or held by one caller, who gives it back with
 * {@link #release}. {@link #close()} destroys every event this pool created, held or not; the
 * context must still be alive then.
 */
final class EventPool implements AutoCloseable {

    private final CudaContext context;
    private final Deque<CUevent> idle = new ArrayDeque<>();
    private final List<CUevent> created = new ArrayList<>();
    private boolean closed;

    EventPool(CudaContext context) {
        this.context = context;
    }

    /** An idle event, or a new one; the context must be current on the calling thread. */
    synchronized CUevent acquire() {
        if (closed) {
            throw new IllegalStateException("the CUDA device is closed");
        }
        CUevent event = idle.pollFirst();
        if (event == null) {
            event = new CUevent();
            check(JCudaDriver.cuEventCreate(event, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
            created.add(event);
        }
        return event;
    }

    /** Gives back an event from {@link #acquire}, to be recorded again by a later caller. */
    synchronized void release(CUevent event) {
        if (!closed) {
            idle.addFirst(event);
        }
    }

    /** How many events this pool has created and not destroyed. */
    synchronized int createdEvents() {
        return created.size();
    }

    /**
     * Destroys every event; the first failing {@code cuEventDestroy} is thrown after all were tried.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        context.makeCurrent();
        int failure = CUresult.CUDA_SUCCESS;
        for (CUevent event : created) {
            int result = JCudaDriver.cuEventDestroy(event);
            if (failure == CUresult.CUDA_SUCCESS) {
                failure = result;
            }
        }
        created.clear();
        idle.clear();
        if (failure != CUresult.CUDA_SUCCESS) {
            throw new CudaException("cuEventDestroy failed: " + errorName(failure), failure);
        }
    }
}
