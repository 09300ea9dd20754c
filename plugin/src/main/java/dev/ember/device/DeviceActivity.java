package dev.ember.device;

import static java.util.Objects.requireNonNull;

/**
 * Which {@link DeviceActivitySink} the device work of the calling thread is attributed to.
 *
 * <p>An operator makes its sink current while its own code runs ({@link #attributeTo}) and closes the
 * returned scope afterwards, in a {@code try}-with-resources block so that an exception restores the
 * previous sink too. Scopes nest: when a parent operator pulls a batch from its child inside its own
 * scope, the child opens its scope, its launches go to the child, and closing the child's scope makes
 * the parent's sink current again. Devices read {@link #current()} at each launch.
 *
 * <p>Per thread; a scope must be closed on the thread that opened it. Work done outside any scope is
 * attributed to no one ({@link #current()} returns a sink that drops it).
 */
public final class DeviceActivity {

    /** The sink of a thread outside every scope: drops what it is told. */
    public static final DeviceActivitySink NONE = new DeviceActivitySink() {
        @Override
        public void kernelLaunched() {}

        @Override
        public void kernelTimed(long nanoseconds) {}

        @Override
        public void primitiveOnHost(Primitive primitive) {}

        @Override
        public String toString() {
            return "no sink";
        }
    };

    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private DeviceActivity() {}

    /** The sink the calling thread's device work goes to now; {@link #NONE} outside every scope. */
    public static DeviceActivitySink current() {
        Scope scope = CURRENT.get();
        return scope == null ? NONE : scope.sink;
    }

    /**
     * Makes {@code sink} current on the calling thread until the returned scope is closed, which
     * makes the sink current before this call current again.
     */
    public static Scope attributeTo(DeviceActivitySink sink) {
        requireNonNull(sink, "sink is null");
        Scope scope = new Scope(sink, CURRENT.get(), Thread.currentThread());
        CURRENT.set(scope);
        return scope;
    }

    /**
     * One entry of a thread's attribution stack. Closing it is idempotent and restores the scope that
     * was current when it opened, also when a scope opened inside it was left open: that scope is
     * discarded with it, and closing it later changes nothing.
     */
    public static final class Scope implements AutoCloseable {
        private final DeviceActivitySink sink;
        private final Scope previous;
        private final Thread owner;
        private boolean closed;

        private Scope(DeviceActivitySink sink, Scope previous, Thread owner) {
            this.sink = sink;
            this.previous = previous;
            this.owner = owner;
        }

        /** The sink this scope attributes to. */
        public DeviceActivitySink sink() {
            return sink;
        }

        /**
         * Restores the previous sink.
         *
         * @throws IllegalStateException when called on another thread than the one that opened the
         *     scope (the attribution stack is per thread, so that would corrupt both threads' stacks)
         */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("a device activity scope opened on thread " + owner.getName()
                        + " was closed on thread " + Thread.currentThread().getName()
                        + "; close it in the same try-with-resources block that opened it");
            }
            // scopes opened inside this one and left open are discarded with it
            for (Scope inner = CURRENT.get(); inner != null && inner != this; inner = inner.previous) {
                inner.closed = true;
            }
            closed = true;
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
