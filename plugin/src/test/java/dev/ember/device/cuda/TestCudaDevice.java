package dev.ember.device.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.device.Device;
import dev.ember.device.conformance.EmulatorDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CUDA device's contract beyond the conformance suite: names, checks, memory, errors. */
class TestCudaDevice {

    private BufferAllocator allocator;

    @BeforeEach
    void newAllocator() {
        allocator = EmulatorDevice.newAllocator("cuda-device");
    }

    @AfterEach
    void closeAllocator() {
        allocator.close();
    }

    private static Device device() {
        return EmulatorDevice.opened().device();
    }

    @Test
    void nameSaysWhatRunsWhere() {
        String name = device().name();
        assertTrue(name.startsWith("emulator:0 (Ember CUDA emulator"), name);
        assertTrue(name.contains("PTX kernels"), name);
        assertTrue(name.contains("expressions: interpreter kernel for boolean, integral, floating, decimal, date, timestamp and string"), name);
    }

    @Test
    void selectTrueFindsTrueValidRows() {
        try (BitVector flags = new BitVector("flags", allocator)) {
            flags.allocateNew(10);
            flags.set(1, 1);
            flags.set(2, 0);
            flags.setNull(3);
            flags.set(9, 1);
            flags.setValueCount(10);
            try (IntVector positions = device().selectTrue(flags, 10, allocator)) {
                assertEquals(2, positions.getValueCount());
                assertEquals(1, positions.get(0));
                assertEquals(9, positions.get(1));
                assertEquals(0, positions.getNullCount());
            }
        }
    }

    @Test
    void buffersOutsideManagedMemoryAreRefusedWithAReason() {
        try (RootAllocator plain = new RootAllocator(); BitVector flags = new BitVector("flags", plain)) {
            flags.allocateNew(100);
            flags.setValueCount(100);
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> device().selectTrue(flags, 100, allocator));
            assertTrue(error.getMessage().contains("not in CUDA managed memory"), error.getMessage());
        }
    }

    @Test
    void outOfRangeIndicesAreRefusedBeforeALaunch() {
        try (IntVector column = new IntVector("column", allocator); IntVector indices = new IntVector("indices", allocator)) {
            column.allocateNew(3);
            column.setValueCount(3);
            indices.allocateNew(2);
            indices.set(0, 1);
            indices.set(1, 3);
            indices.setValueCount(2);
            IndexOutOfBoundsException error = assertThrows(IndexOutOfBoundsException.class,
                    () -> device().gather(List.of(column), indices, allocator));
            assertTrue(error.getMessage().contains("gather index 3 at position 1"), error.getMessage());
        }
    }

    @Test
    void rowCountBeyondTheFlagsIsRefused() {
        try (BitVector flags = new BitVector("flags", allocator)) {
            flags.allocateNew(4);
            flags.setValueCount(4);
            assertThrows(IllegalArgumentException.class, () -> device().selectTrue(flags, 5, allocator));
        }
    }

    @Test
    void managedBuffersAreManagedAndReadableByTheHost() {
        try (ArrowBuf buffer = allocator.buffer(1000)) {
            buffer.setLong(992, 42L);
            assertEquals(42L, buffer.getLong(992));
            int[] managed = new int[1];
            assertEquals(0, jcuda.driver.JCudaDriver.cuPointerGetAttribute(jcuda.Pointer.to(managed),
                    jcuda.driver.CUpointer_attribute.CU_POINTER_ATTRIBUTE_IS_MANAGED,
                    DevicePointer.at(buffer.memoryAddress())));
            assertEquals(1, managed[0]);
        }
    }

    @Test
    void thePoolCapIsAShareOfFreeMemory() {
        CudaDevices.Opened opened = EmulatorDevice.opened();
        assertTrue(opened.memoryLimitBytes() > 0, "cap " + opened.memoryLimitBytes());
        assertEquals("spark.ember.memory.gpu.allocFraction", opened.memoryLimitSetting());
        assertEquals(2, opened.semaphore().permits());
    }

    @Test
    void probeExplainsWhyARealGpuIsNotUsedInAnEmulatorJvm() {
        Optional<String> whyNot = CudaDevices.probe();
        assertTrue(whyNot.isPresent());
        assertTrue(whyNot.get().contains("emulator"), whyNot.get());
    }

    @Test
    void invalidSettingsAreRefusedWithTheirNames() {
        IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class,
                () -> CudaDevices.open(true, 1.5, 1));
        assertTrue(fraction.getMessage().contains("spark.ember.memory.gpu.allocFraction"), fraction.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CudaDevices.open(true, 0.5, 0));
    }

    @Test
    void semaphoreBoundsConcurrentTasks() throws InterruptedException {
        GpuTaskSemaphore semaphore = new GpuTaskSemaphore(2);
        try (GpuTaskSemaphore.Permit first = semaphore.acquire(); GpuTaskSemaphore.Permit second = semaphore.acquire()) {
            assertEquals(0, semaphore.availablePermits());
        }
        assertEquals(2, semaphore.availablePermits());
    }

    /** Spark runs tasks on many threads: each gets its own stream, and results must not mix. */
    @Test
    void concurrentTasksGetTheirOwnAnswers() throws Exception {
        int tasks = 4;
        ExecutorService pool = Executors.newFixedThreadPool(tasks);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int task = 0; task < tasks; task++) {
                int period = task + 2;
                results.add(pool.submit(() -> {
                    try (BufferAllocator taskAllocator = EmulatorDevice.newAllocator("task-" + period);
                            BitVector flags = new BitVector("flags", taskAllocator)) {
                        int rows = 50_000;
                        flags.allocateNew(rows);
                        for (int row = 0; row < rows; row++) {
                            flags.set(row, row % period == 0 ? 1 : 0);
                        }
                        flags.setValueCount(rows);
                        for (int round = 0; round < 3; round++) {
                            try (IntVector positions = device().selectTrue(flags, rows, taskAllocator)) {
                                assertEquals((rows + period - 1) / period, positions.getValueCount());
                                for (int i = 0; i < positions.getValueCount(); i++) {
                                    assertEquals(i * period, positions.get(i), "task with period " + period);
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void gatherOfNoRowsGivesEmptyColumns() {
        try (IntVector column = new IntVector("column", allocator); IntVector indices = new IntVector("indices", allocator)) {
            column.allocateNew(3);
            column.setValueCount(3);
            indices.allocateNew(0);
            indices.setValueCount(0);
            List<FieldVector> gathered = device().gather(List.of(column), indices, allocator);
            try {
                assertEquals(1, gathered.size());
                assertEquals(0, gathered.get(0).getValueCount());
            } finally {
                gathered.forEach(FieldVector::close);
            }
        }
    }
}
