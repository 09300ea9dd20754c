package dev.ember.device.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.EmberExecutorPlugin;
import dev.ember.config.EmberConf;
import dev.ember.device.conformance.EmulatorDevice;
import dev.ember.device.host.HostDevice;
import java.util.Map;
import java.util.Optional;
import java.util.List;
import java.util.OptionalInt;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.Test;

/**
 * The memory model an opened device reads from the driver, and what it changes: prefetches on a
 * discrete card, none on coherent unified memory (GB10, Grace Hopper), and the pool's cap. Runs in the
 * emulator's normal execution (a discrete card) and in {@code emulator-coherent-unified}
 * ({@code EMBER_EMULATOR_COHERENT_UNIFIED=1}), each asserting its own model.
 */
class TestDeviceMemoryModel {

    private static boolean coherentEmulator() {
        String value = System.getenv("EMBER_EMULATOR_COHERENT_UNIFIED");
        return value != null && !value.isEmpty() && !value.equals("0") && !value.equals("false");
    }

    @Test
    void theDeviceReadsItsMemoryModelFromTheDriver() {
        CudaDevice device = (CudaDevice) EmulatorDevice.opened().device();
        assertEquals(coherentEmulator() ? MemoryModel.COHERENT_UNIFIED : MemoryModel.DISCRETE, device.memoryModel());
        CudaInventory.Inventory inventory = CudaInventory.read(true);
        assertEquals(device.memoryModel(), inventory.devices().get(0).memoryModel());
        assertEquals(coherentEmulator(), inventory.devices().get(0).hostPageTables());
    }

    @Test
    void thePeakBandwidthComesFromTheMemoryAttributesWhenTheDriverReportsThem() {
        // the emulator reports neither memory clock nor bus width: the peak is unknown, not invented
        CudaInventory.DeviceInfo emulated = CudaInventory.read(true).devices().get(0);
        assertTrue(emulated.memoryClockKilohertz().isEmpty(), emulated.toString());
        assertTrue(emulated.memoryBusWidthBits().isEmpty(), emulated.toString());
        assertTrue(emulated.peakMemoryBytesPerSecond().isEmpty(), emulated.toString());
        // H100 SXM's attributes: 2,619 MHz, 5,120 bits, double data rate: NVIDIA's 3.35 TB/s
        CudaInventory.DeviceInfo h100 = new CudaInventory.DeviceInfo(0, "NVIDIA H100 80GB HBM3", 9, 0, 132, 80L << 30,
                true, false, false, true, OptionalInt.of(2_619_000), OptionalInt.of(5120));
        assertEquals(3352.32e9, h100.peakMemoryBytesPerSecond().getAsDouble(), 1e3);
    }

    @Test
    void prefetchesOnlyWhereManagedMemoryMigrates() {
        CudaDevice device = (CudaDevice) EmulatorDevice.opened().device();
        try (BufferAllocator allocator = EmulatorDevice.newAllocator("memory model");
                IntVector values = new IntVector("values", allocator);
                IntVector indices = new IntVector("indices", allocator)) {
            values.allocateNew(1000);
            indices.allocateNew(500);
            for (int row = 0; row < 1000; row++) {
                values.set(row, row * 3);
            }
            for (int row = 0; row < 500; row++) {
                indices.set(row, 999 - row * 2);
            }
            values.setValueCount(1000);
            indices.setValueCount(500);
            long before = device.prefetchCount();
            List<FieldVector> gathered = device.gather(List.of(values), indices, allocator);
            try {
                assertEquals(3 * 999, ((IntVector) gathered.get(0)).get(0));
                assertEquals(3 * 1, ((IntVector) gathered.get(0)).get(499));
            } finally {
                gathered.forEach(FieldVector::close);
            }
            long prefetches = device.prefetchCount() - before;
            if (coherentEmulator()) {
                assertEquals(0, prefetches, "no prefetch on coherent unified memory");
            } else {
                assertTrue(prefetches > 0, "a discrete card prefetches the gather's inputs: " + prefetches);
            }
        }
    }

    @Test
    void thePoolLeavesTheCpuItsShareOfSharedMemory() {
        // the emulator reports 8 GiB (EMBER_EMULATOR_MEMORY_BYTES), most of it free
        CudaInventory.Inventory inventory = CudaInventory.read(true);
        long total = inventory.devices().get(0).totalBytes();
        CudaDevices.Opened opened = CudaDevices.open(CudaDevices.Settings.of(true, 0.5, 1).withUnifiedCpuShare(0.6));
        try {
            if (coherentEmulator()) {
                assertEquals((long) Math.floor(total * 0.4 * 0.5), opened.memoryLimitBytes(),
                        "half of the 40% the CPU share leaves");
            } else {
                // the CPU share is not read: half of what is free, which is more than 40% of the total here
                assertTrue(opened.memoryLimitBytes() > total * 0.4 * 0.5 && opened.memoryLimitBytes() <= total / 2,
                        "half the free memory: " + opened.memoryLimitBytes());
            }
        } finally {
            opened.device().close();
        }
    }

    @Test
    void spillsKeepAHostTierOnlyWhereTheDeviceMemoryIsNotHostMemory() {
        CudaDevice device = (CudaDevice) EmulatorDevice.opened().device();
        EmberConf defaults = EmberConf.of(key -> Optional.empty());
        long tier = EmberExecutorPlugin.hostSpillBytes(device, defaults);
        if (coherentEmulator()) {
            assertEquals(0, tier, "coherent unified memory is host memory: spills go straight to disk");
        } else {
            assertTrue(tier > 0 && tier <= 1L << 30, "a discrete card keeps up to 1 GiB of spills in host memory: " + tier);
        }
        try (HostDevice host = new HostDevice()) {
            assertEquals(0, EmberExecutorPlugin.hostSpillBytes(host, defaults), "the host device spills to disk");
            EmberConf set = EmberConf.of(key -> Optional.ofNullable(Map.of("spark.ember.memory.spill.hostBytes", "64m")
                    .get(key)));
            assertEquals(64L << 20, EmberExecutorPlugin.hostSpillBytes(host, set), "an explicit size wins");
        }
    }
}
