package dev.ember.device.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ember.device.conformance.EmulatorDevice;
import org.junit.jupiter.api.Test;

/**
 * Ember's own JCuda driver binding (kernels/src/main/binding), run in the surefire execution
 * {@code emulator-ember-binding}: JCuda's natives are off the classpath there and the binding built for
 * this machine is on {@code java.library.path}, so every JCudaDriver call of the device tests in that JVM
 * goes through Ember's C code to the emulator. The same source is what the jar carries for linux-aarch64.
 */
class TestEmberDriverBinding {

    @Test
    void jcudaRunsOnEmbersBindingAlone() {
        assumeTrue(Boolean.getBoolean("ember.test.emberBinding"),
                "only meaningful in the emulator-ember-binding execution (JCuda's natives off the classpath)");
        String arch = System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
        assertNull(getClass().getResource("/lib/libJCudaDriver-12.0.0-linux-" + arch + ".so"),
                "JCuda's own natives must not be on this JVM's classpath");
        CudaDevice device = (CudaDevice) EmulatorDevice.opened().device();
        assertTrue(device.name().startsWith("emulator:0 (Ember CUDA emulator"), device.name());
        CudaInventory.Inventory inventory = CudaInventory.read(true);
        assertEquals(13000, inventory.driverVersion().orElseThrow());
        assertEquals(1, inventory.devices().size());
        assertEquals("Ember CUDA emulator", inventory.devices().get(0).name().substring(0, 19));
        assertEquals(8L << 30, inventory.devices().get(0).totalBytes());
    }
}
