package dev.ember.device.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ember.config.EmberConf;
import dev.ember.device.selection.DeviceSelector;
import dev.ember.device.host.HostDevice;
import dev.ember.kernels.EmulatorLibrary;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Device choice beyond GPU 0 on an emulator that reports two devices: ordinal 1 opens and runs
 * kernels, from the setting or from Spark's GPU assignment; ordinal 2 fails naming both settings
 * under {@code cuda}/{@code emulator} and falls back to the host under {@code auto}. The emulator
 * reads its device count once per process, so plugin/pom.xml runs this class in a forked JVM with
 * {@code EMBER_EMULATOR_DEVICE_COUNT=2}; elsewhere it is skipped.
 */
class TestCudaDeviceOrdinal {

    @BeforeEach
    void requireTwoEmulatedDevices() {
        assumeTrue("2".equals(System.getenv("EMBER_EMULATOR_DEVICE_COUNT")),
                "runs only in the emulator-two-devices execution of plugin/pom.xml");
        assumeTrue(EmulatorLibrary.isPackaged(), "the CUDA driver emulator was not built (no g++ at build time)");
    }

    private static EmberConf conf(Map<String, String> settings) {
        return EmberConf.of(key -> Optional.ofNullable(settings.get(key)));
    }

    @Test
    void ordinalOneOpensAndRunsKernels() {
        CudaDevices.Opened opened = CudaDevices.open(
                CudaDevices.Settings.of(true, 0.5, 1).withOrdinal(DeviceOrdinal.configured(1)).withMaxBlocksPerGrid(4));
        try (CudaDevice device = opened.device();
                RootAllocator root = new RootAllocator(RootAllocator.configBuilder()
                        .allocationManagerFactory(opened.memoryFactory()).maxAllocation(1 << 20).build());
                BitVector flags = new BitVector("flags", root)) {
            assertEquals(1, device.ordinal());
            assertTrue(device.name().startsWith("emulator:1 ("), device.name());
            flags.allocateNew(3000);
            for (int row = 0; row < 3000; row++) {
                flags.set(row, row % 7 == 0 ? 1 : 0);
            }
            flags.setValueCount(3000);
            try (IntVector positions = device.selectTrue(flags, 3000, root)) {
                assertEquals(429, positions.getValueCount());
                assertEquals(2996, positions.get(428));
            }
            assertTrue(device.memoryStatistics().driverAllocations() > 0, device.memoryStatistics().describe());
        }
    }

    @Test
    void theSettingAndSparksAssignmentChooseTheOrdinal() {
        DeviceSelector.Selection fromSetting = DeviceSelector.select(
                conf(Map.of("spark.ember.device", "emulator", "spark.ember.cuda.deviceOrdinal", "1")));
        try (var device = fromSetting.device()) {
            assertTrue(device.name().startsWith("emulator:1 ("), device.name());
            assertTrue(fromSetting.reason().endsWith("spark.ember.cuda.deviceOrdinal=1"), fromSetting.reason());
        }
        DeviceSelector.Selection fromSpark = DeviceSelector.select(
                conf(Map.of("spark.ember.device", "emulator", "spark.ember.cuda.deviceOrdinal", "0")), List.of("1"));
        try (var device = fromSpark.device()) {
            assertTrue(device.name().startsWith("emulator:1 ("), device.name());
            assertTrue(fromSpark.reason().contains("GPU address 1 that Spark assigned"), fromSpark.reason());
        }
    }

    @Test
    void anOrdinalBeyondTheDevicesFailsNamingBothSettings() {
        CudaException error = assertThrows(CudaException.class, () -> CudaDevices.open(
                CudaDevices.Settings.of(true, 0.5, 1).withOrdinal(DeviceOrdinal.configured(2))));
        assertTrue(error.getMessage().startsWith("the CUDA driver emulator cannot be used: CUDA device ordinal 2"
                + " (spark.ember.cuda.deviceOrdinal=2) does not exist: the driver reports 2 devices, ordinals 0 to 1"),
                error.getMessage());
        assertTrue(error.getMessage().contains("spark.executor.resource.gpu.amount"), error.getMessage());

        IllegalStateException selected = assertThrows(IllegalStateException.class, () -> DeviceSelector.select(
                conf(Map.of("spark.ember.device", "emulator")), List.of("2")));
        assertTrue(selected.getMessage().startsWith("spark.ember.device=emulator cannot be used: "), selected.getMessage());
        assertTrue(selected.getMessage().contains("GPU address 2 that Spark assigned to this executor"),
                selected.getMessage());
        assertTrue(selected.getMessage().contains("Set spark.ember.cuda.deviceOrdinal to one of them"),
                selected.getMessage());
    }

    /** auto's policy, with the emulator standing in for the NVIDIA driver. */
    @Test
    void autoFallsBackToTheHostSayingWhy() {
        DeviceSelector.Selection missing = DeviceSelector.selectAuto(
                CudaDevices.Settings.of(true, 0.5, 1).withOrdinal(DeviceOrdinal.choose(List.of("5"), 0, null)));
        assertTrue(missing.device() instanceof HostDevice, missing.device().name());
        assertTrue(missing.reason().startsWith("spark.ember.device=auto chose the host: the CUDA driver emulator"
                + " cannot be used: CUDA device ordinal 5 (GPU address 5 that Spark assigned"), missing.reason());
        assertTrue(missing.reason().contains("spark.ember.cuda.deviceOrdinal"), missing.reason());
        assertFalse(missing.memoryFactory().isPresent());

        DeviceSelector.Selection found = DeviceSelector.selectAuto(
                CudaDevices.Settings.of(true, 0.5, 1).withOrdinal(DeviceOrdinal.configured(1)));
        try (var device = found.device()) {
            assertTrue(device.name().startsWith("emulator:1 ("), device.name());
            assertTrue(found.memoryFactory().isPresent());
        }

        DeviceSelector.Selection notAnOrdinal = DeviceSelector.select(conf(Map.of("spark.ember.device", "auto")),
                List.of("GPU-8f3a"));
        assertTrue(notAnOrdinal.device() instanceof HostDevice, notAnOrdinal.device().name());
        assertTrue(notAnOrdinal.reason().contains("GPU address 'GPU-8f3a'"), notAnOrdinal.reason());
    }
}
