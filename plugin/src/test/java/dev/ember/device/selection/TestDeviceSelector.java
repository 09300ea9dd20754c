package dev.ember.device.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.config.EmberConf;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Device choice on a machine without a GPU (every machine the tests run on): {@code auto} takes the
 * host and says why; {@code cuda} fails with a message that says what to do.
 */
class TestDeviceSelector {

    private static EmberConf conf(String device) {
        Map<String, String> settings = Map.of("spark.ember.device", device);
        return EmberConf.of(key -> Optional.ofNullable(settings.get(key)));
    }

    @Test
    void autoChoosesTheHostAndSaysWhy() {
        DeviceSelector.Selection selection = DeviceSelector.select(conf("auto"));
        assertEquals("host", selection.device().name());
        assertTrue(selection.reason().startsWith("spark.ember.device=auto chose the host: "), selection.reason());
        // the reason names what is missing, not just that something is
        assertTrue(selection.reason().length() > "spark.ember.device=auto chose the host: ".length() + 10,
                selection.reason());
        System.out.println("auto on this machine: " + selection.reason());
    }

    @Test
    void cudaWithoutAGpuFailsWithAClearMessage() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> DeviceSelector.select(conf("cuda")));
        assertTrue(error.getMessage().startsWith("spark.ember.device=cuda cannot be used: "), error.getMessage());
        assertTrue(error.getMessage().contains("Set spark.ember.device=auto"), error.getMessage());
    }

    @Test
    void hostIsTheHost() {
        assertEquals("host", DeviceSelector.select(conf("host")).device().name());
    }
}
