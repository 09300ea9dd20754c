package dev.ember.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-thread attribution stack of device work, without Spark or a device. */
class TestDeviceActivity {

    /** Counts what it is told, like an operator's metrics. */
    private static final class CountingSink implements DeviceActivitySink {
        long launches;
        long nanoseconds;

        @Override
        public void kernelLaunched() {
            launches++;
        }

        @Override
        public void kernelTimed(long time) {
            nanoseconds += time;
        }

        @Override
        public void primitiveOnHost(dev.ember.device.Primitive primitive) {
            // not what these tests count
        }
    }

    /** What a device does at a launch: reports it to the current sink. */
    private static void launch() {
        DeviceActivity.current().kernelLaunched();
    }

    @AfterEach
    void noScopeLeftOpen() {
        assertSame(DeviceActivity.NONE, DeviceActivity.current(), "a test left a scope open");
    }

    @Test
    void outsideEveryScopeWorkGoesNowhere() {
        assertSame(DeviceActivity.NONE, DeviceActivity.current());
        launch();
        DeviceActivity.current().kernelTimed(5);
    }

    @Test
    void nestedScopesAttributeToTheInnermostAndRestoreTheOuter() {
        CountingSink parent = new CountingSink();
        CountingSink child = new CountingSink();
        try (DeviceActivity.Scope outer = DeviceActivity.attributeTo(parent)) {
            launch();
            try (DeviceActivity.Scope inner = DeviceActivity.attributeTo(child)) {
                assertSame(child, DeviceActivity.current());
                launch();
                launch();
            }
            assertSame(parent, DeviceActivity.current());
            launch();
        }
        assertEquals(2, parent.launches, "the parent's own launches, the child's excluded");
        assertEquals(2, child.launches);
    }

    @Test
    void theSameSinkMayNestInItself() {
        CountingSink sink = new CountingSink();
        try (DeviceActivity.Scope outer = DeviceActivity.attributeTo(sink)) {
            try (DeviceActivity.Scope inner = DeviceActivity.attributeTo(sink)) {
                launch();
            }
            assertSame(sink, DeviceActivity.current());
            launch();
        }
        assertEquals(2, sink.launches);
    }

    @Test
    void anExceptionRestoresThePreviousSink() {
        CountingSink parent = new CountingSink();
        CountingSink child = new CountingSink();
        try (DeviceActivity.Scope outer = DeviceActivity.attributeTo(parent)) {
            IllegalStateException error = assertThrows(IllegalStateException.class, () -> {
                try (DeviceActivity.Scope inner = DeviceActivity.attributeTo(child)) {
                    launch();
                    throw new IllegalStateException("the child's batch failed");
                }
            });
            assertEquals("the child's batch failed", error.getMessage());
            assertSame(parent, DeviceActivity.current());
            launch();
        }
        assertEquals(1, parent.launches);
        assertEquals(1, child.launches);
    }

    @Test
    void closingTwiceChangesNothing() {
        CountingSink parent = new CountingSink();
        CountingSink child = new CountingSink();
        try (DeviceActivity.Scope outer = DeviceActivity.attributeTo(parent)) {
            DeviceActivity.Scope inner = DeviceActivity.attributeTo(child);
            inner.close();
            inner.close();
            assertSame(parent, DeviceActivity.current(), "a second close must not pop the parent");
        }
    }

    @Test
    void closingAnOuterScopeDiscardsInnerScopesLeftOpen() {
        CountingSink parent = new CountingSink();
        CountingSink leaked = new CountingSink();
        CountingSink later = new CountingSink();
        DeviceActivity.Scope outer = DeviceActivity.attributeTo(parent);
        DeviceActivity.Scope inner = DeviceActivity.attributeTo(leaked);
        outer.close();
        assertSame(DeviceActivity.NONE, DeviceActivity.current());
        try (DeviceActivity.Scope next = DeviceActivity.attributeTo(later)) {
            inner.close();
            assertSame(later, DeviceActivity.current(), "closing a discarded scope must not disturb the current one");
        }
    }

    @Test
    void eachThreadHasItsOwnStack() throws Exception {
        CountingSink here = new CountingSink();
        CountingSink there = new CountingSink();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (DeviceActivity.Scope scope = DeviceActivity.attributeTo(here)) {
            Future<DeviceActivitySink> seen = executor.submit(() -> {
                DeviceActivitySink before = DeviceActivity.current();
                try (DeviceActivity.Scope other = DeviceActivity.attributeTo(there)) {
                    launch();
                }
                return before;
            });
            assertSame(DeviceActivity.NONE, seen.get(), "another thread starts outside every scope");
            launch();
        } finally {
            executor.shutdownNow();
        }
        assertEquals(1, here.launches);
        assertEquals(1, there.launches);
    }

    @Test
    void aScopeClosedOnAnotherThreadIsRefusedWithAReason() throws Exception {
        DeviceActivity.Scope scope = DeviceActivity.attributeTo(new CountingSink());
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<Throwable> failure = executor.submit(() -> {
                try {
                    scope.close();
                    return null;
                } catch (IllegalStateException e) {
                    return e;
                }
            });
            Throwable error = failure.get();
            assertTrue(error != null && error.getMessage().contains("was closed on thread"), String.valueOf(error));
        } finally {
            executor.shutdownNow();
            scope.close();
        }
    }

    @Test
    void aNullSinkIsRefused() {
        NullPointerException error = assertThrows(NullPointerException.class, () -> DeviceActivity.attributeTo(null));
        assertEquals("sink is null", error.getMessage());
    }
}
