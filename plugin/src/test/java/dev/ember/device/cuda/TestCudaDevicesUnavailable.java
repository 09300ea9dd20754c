package dev.ember.device.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ember.kernels.EmulatorLibrary;
import org.junit.jupiter.api.Test;

/**
 * {@link CudaDevices#open} on an emulator switched to look unusable (no device, failing cuInit, a
 * pre-CUDA-13 driver) must fail with a message that says why. The emulator reads its switches once
 * per process, so plugin/pom.xml runs this class in one forked JVM per switch, each setting
 * {@code EMBER_TEST_EXPECTED_REASON}; elsewhere it is skipped.
 */
class TestCudaDevicesUnavailable {

    @Test
    void openSaysWhyCudaCannotBeUsed() {
        String expected = System.getenv("EMBER_TEST_EXPECTED_REASON");
        assumeTrue(expected != null, "runs only in the emulator-unavailable executions of plugin/pom.xml");
        assumeTrue(EmulatorLibrary.isPackaged(), "the CUDA driver emulator was not built (no g++ at build time)");
        CudaException error = assertThrows(CudaException.class, () -> CudaDevices.open(true, 0.5, 1));
        assertTrue(error.getMessage().contains(expected), "expected <" + expected + "> in: " + error.getMessage());
        assertTrue(error.getMessage().startsWith("the CUDA driver emulator cannot be used: "), error.getMessage());
    }
}
