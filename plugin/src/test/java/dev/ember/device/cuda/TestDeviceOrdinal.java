package dev.ember.device.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

/** Which CUDA ordinal an executor opens: Spark's GPU assignment first, then the setting. */
class TestDeviceOrdinal {

    @Test
    void withoutAnAssignedGpuTheSettingChooses() {
        DeviceOrdinal ordinal = DeviceOrdinal.choose(List.of(), 3, null);
        assertEquals(3, ordinal.ordinal());
        assertEquals("spark.ember.cuda.deviceOrdinal=3", ordinal.source());
    }

    @Test
    void theFirstAssignedAddressWinsOverTheSetting() {
        DeviceOrdinal ordinal = DeviceOrdinal.choose(List.of(" 1", "2"), 0, null);
        assertEquals(1, ordinal.ordinal());
        assertTrue(ordinal.source().startsWith("GPU address 1 that Spark assigned to this executor"), ordinal.source());
        assertTrue(ordinal.source().contains("spark.ember.cuda.deviceOrdinal is not read"), ordinal.source());
        assertTrue(ordinal.source().contains("[2] stay unused"), ordinal.source());
    }

    /** Discovery scripts print nvidia-smi's numbers; CUDA numbers the visible devices in their listed order. */
    @Test
    void anAddressListedInCudaVisibleDevicesIsItsPosition() {
        DeviceOrdinal second = DeviceOrdinal.choose(List.of("3"), 0, "2,3");
        assertEquals(1, second.ordinal());
        assertTrue(second.source().startsWith("GPU address 3 that Spark assigned to this executor, which is CUDA"
                + " ordinal 1 under CUDA_VISIBLE_DEVICES=2,3"), second.source());
        assertEquals(0, DeviceOrdinal.choose(List.of("1"), 0, "1").ordinal(), "one Worker per GPU");
        assertEquals(1, DeviceOrdinal.choose(List.of("0"), 0, "1, 0").ordinal(), "listed order, not numeric order");
        assertEquals(0, DeviceOrdinal.choose(List.of("GPU-8f3a"), 0, "GPU-8f3a,GPU-77aa").ordinal(), "UUID entries");
        assertEquals(1, DeviceOrdinal.choose(List.of("1"), 0, "2,3").ordinal(),
                "an address not listed is a CUDA ordinal already");
        assertEquals(4, DeviceOrdinal.choose(List.of(), 4, "2,3").ordinal(), "the setting is always an ordinal");
    }

    @Test
    void addressesComeFromSparksGpuResource() {
        Map<String, ResourceInformation> resources = Map.of(
                "gpu", new ResourceInformation("gpu", new String[] {"4", "5"}),
                "fpga", new ResourceInformation("fpga", new String[] {"0"}));
        assertEquals(List.of("4", "5"), DeviceOrdinal.assignedGpuAddresses(resources));
        assertEquals(List.of(), DeviceOrdinal.assignedGpuAddresses(Map.of()));
    }

    @Test
    void anAddressThatIsNoOrdinalSaysWhatToChange() {
        for (String address : List.of("GPU-8f3a", "-1", "")) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> DeviceOrdinal.choose(List.of(address), 0, "3"));
            assertTrue(error.getMessage().contains("spark.executor.resource.gpu.amount"), error.getMessage());
            assertTrue(error.getMessage().contains("spark.ember.cuda.deviceOrdinal"), error.getMessage());
            assertTrue(error.getMessage().contains("discoveryScript"), error.getMessage());
            assertTrue(error.getMessage().contains("nor an entry of CUDA_VISIBLE_DEVICES (3)"), error.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new DeviceOrdinal(-1, "test"));
    }

    @Test
    void aMissingDeviceNamesBothSettingsAndTheVisibleDevices() {
        DeviceOrdinal ordinal = DeviceOrdinal.configured(2);
        String message = ordinal.missingDeviceMessage(2, null);
        assertTrue(message.startsWith("CUDA device ordinal 2 (spark.ember.cuda.deviceOrdinal=2) does not exist: the"
                + " driver reports 2 devices, ordinals 0 to 1 (CUDA_VISIBLE_DEVICES is not set)"), message);
        assertTrue(message.contains("spark.executor.resource.gpu.amount"), message);
        String one = ordinal.missingDeviceMessage(1, "3");
        assertTrue(one.contains("reports 1 device, ordinal 0 (CUDA_VISIBLE_DEVICES=3, and CUDA numbers only those"
                + " devices, from 0)"), one);
    }
}
