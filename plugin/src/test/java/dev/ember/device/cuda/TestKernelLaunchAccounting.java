package dev.ember.device.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.device.DeviceActivity;
import dev.ember.device.DeviceActivitySink;
import dev.ember.device.conformance.EmulatorDevice;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kernel launches reported to the current {@link DeviceActivity} sink, with their time from CUDA
 * events on the stream: counted per launch, timed when the stream is synchronized, events reused.
 */
class TestKernelLaunchAccounting {

    /** Records what it is told. */
    private static final class RecordingSink implements DeviceActivitySink {
        int launches;
        final List<Long> times = new ArrayList<>();

        @Override
        public void kernelLaunched() {
            launches++;
        }

        @Override
        public void kernelTimed(long nanoseconds) {
            times.add(nanoseconds);
        }

        @Override
        public void primitiveOnHost(dev.ember.device.Primitive primitive) {
            // these tests count launches
        }

        long totalTime() {
            return times.stream().mapToLong(Long::longValue).sum();
        }
    }

    private BufferAllocator allocator;

    @BeforeEach
    void newAllocator() {
        allocator = EmulatorDevice.newAllocator("launch-accounting");
    }

    @AfterEach
    void closeAllocator() {
        allocator.close();
    }

    /** Flags with every third of {@code rows} rows true. */
    private BitVector flags(int rows) {
        BitVector flags = new BitVector("flags", allocator);
        flags.allocateNew(rows);
        for (int row = 0; row < rows; row++) {
            flags.set(row, row % 3 == 0 ? 1 : 0);
        }
        flags.setValueCount(rows);
        return flags;
    }

    @Test
    void theDeviceReportsEachLaunchWithItsTimeToTheCurrentSink() {
        RecordingSink sink = new RecordingSink();
        try (BitVector flags = flags(20_000);
                DeviceActivity.Scope scope = DeviceActivity.attributeTo(sink);
                IntVector positions = EmulatorDevice.opened().device().selectTrue(flags, 20_000, allocator)) {
            assertEquals(6667, positions.getValueCount());
        }
        // count, scan, scatter, set valid bits
        assertEquals(4, sink.launches);
        assertEquals(4, sink.times.size(), "every launch is timed once the stream is synchronized");
        assertTrue(sink.times.stream().allMatch(time -> time >= 0), sink.times.toString());
        assertTrue(sink.totalTime() > 0, "kernel time " + sink.times);
    }

    @Test
    void launchesOutsideEveryScopeAreNeitherCountedNorTimed() {
        try (Launcher launcher = new Launcher(); BitVector flags = flags(100)) {
            RecordingSink other = new RecordingSink();
            try (DeviceActivity.Scope scope = DeviceActivity.attributeTo(other)) {
                // opened and closed before the launches: it must not receive them
            }
            try (IntVector positions = launcher.compaction.selectTrue(flags, 100, allocator)) {
                assertEquals(34, positions.getValueCount());
            }
            assertEquals(0, other.launches);
            assertEquals(0, launcher.kernels.timingEvents(), "no events are recorded for unattributed launches");
        }
    }

    @Test
    void eventsAreReusedAndDestroyedOnClose() {
        Launcher launcher = new Launcher();
        try (launcher; BitVector flags = flags(5_000)) {
            RecordingSink sink = new RecordingSink();
            try (DeviceActivity.Scope scope = DeviceActivity.attributeTo(sink)) {
                for (int round = 0; round < 10; round++) {
                    launcher.compaction.selectTrue(flags, 5_000, allocator).close();
                }
            }
            assertEquals(40, sink.launches);
            assertEquals(40, sink.times.size());
            // at most two launches (four events) wait for one synchronize
            assertTrue(launcher.kernels.timingEvents() > 0 && launcher.kernels.timingEvents() <= 4,
                    "events created: " + launcher.kernels.timingEvents());
        }
        assertEquals(0, launcher.kernels.timingEvents(), "close destroys every event");
    }

    @Test
    void aLaunchRefusedBeforeTheDriverIsNotCounted() {
        RecordingSink sink = new RecordingSink();
        try (Launcher launcher = new Launcher(); DeviceActivity.Scope scope = DeviceActivity.attributeTo(sink)) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> launcher.kernels.launch(Kernel.SET_VALID_BITS, 1, new KernelArguments().integer("count", 1)));
            assertTrue(error.getMessage().contains("but the kernel takes"), error.getMessage());
            launcher.kernels.synchronize("nothing");
        }
        assertEquals(0, sink.launches);
        assertEquals(List.of(), sink.times);
    }

    @Test
    void eachThreadsLaunchesGoToItsOwnSink() throws Exception {
        RecordingSink[] sinks = {new RecordingSink(), new RecordingSink()};
        Thread[] threads = new Thread[sinks.length];
        Throwable[] failures = new Throwable[sinks.length];
        for (int i = 0; i < threads.length; i++) {
            int task = i;
            threads[i] = new Thread(() -> {
                try (BufferAllocator taskAllocator = EmulatorDevice.newAllocator("thread-" + task);
                        BitVector flags = new BitVector("flags", taskAllocator);
                        DeviceActivity.Scope scope = DeviceActivity.attributeTo(sinks[task])) {
                    flags.allocateNew(1000);
                    flags.set(task, 1);
                    flags.setValueCount(1000);
                    for (int round = 0; round <= task; round++) {
                        EmulatorDevice.opened().device().selectTrue(flags, 1000, taskAllocator).close();
                    }
                } catch (Throwable e) {
                    failures[task] = e;
                }
            }, "launch-accounting-" + i);
            threads[i].start();
        }
        for (int i = 0; i < threads.length; i++) {
            threads[i].join();
            if (failures[i] != null) {
                throw new AssertionError("thread " + i + " failed", failures[i]);
            }
        }
        assertEquals(4, sinks[0].launches, "one round of four launches");
        assertEquals(8, sinks[1].launches, "two rounds of four launches");
        assertEquals(8, sinks[1].times.size());
    }

    /** A launcher of its own over the emulator's primary context, so that its events can be counted and closed. */
    private static final class Launcher implements AutoCloseable {
        final CudaContext context;
        final KernelModules modules;
        final KernelLauncher kernels;
        final StreamCompaction compaction;

        Launcher() {
            EmulatorDevice.opened();
            context = new CudaContext(0);
            modules = new KernelModules(context, !Boolean.getBoolean("ember.test.realGpu"));
            kernels = new KernelLauncher(context, modules, EmulatorDevice.MAX_BLOCKS_PER_GRID);
            compaction = new StreamCompaction(kernels);
        }

        @Override
        public void close() {
            try (context; modules; kernels) {
                context.makeCurrent();
            }
        }
    }
}
