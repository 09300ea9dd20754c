package dev.ember.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TestEmberConf {

    private static EmberConf conf(Map<String, String> settings) {
        return EmberConf.of(key -> Optional.ofNullable(settings.get(key)));
    }

    @Test
    void defaultsApplyWhenNothingIsSet() {
        EmberConf conf = conf(Map.of());
        assertEquals(true, conf.get(EmberConf.ENABLED));
        assertEquals("NOT_ON_GPU", conf.get(EmberConf.EXPLAIN));
        assertEquals("auto", conf.get(EmberConf.DEVICE));
        assertEquals(1 << 18, conf.get(EmberConf.BATCH_SIZE_ROWS));
    }

    @Test
    void valuesParseWithSuffixesAndAnyCase() {
        EmberConf conf = conf(Map.of("spark.ember.batchSizeBytes", "64m", "spark.ember.explain", "all",
                "spark.ember.enabled", " FALSE ", "spark.ember.device", "Host"));
        assertEquals(64L << 20, conf.get(EmberConf.BATCH_SIZE_BYTES));
        assertEquals("ALL", conf.get(EmberConf.EXPLAIN));
        assertEquals(false, conf.get(EmberConf.ENABLED));
        assertEquals("host", conf.get(EmberConf.DEVICE));
    }

    @Test
    void badValuesNameTheKeyTheValueAndWhatIsExpected() {
        InvalidConfigException rows = assertThrows(InvalidConfigException.class,
                () -> conf(Map.of("spark.ember.batchSizeRows", "lots")).get(EmberConf.BATCH_SIZE_ROWS));
        assertEquals("spark.ember.batchSizeRows", rows.key());
        assertTrue(rows.getMessage().contains("'lots'") && rows.getMessage().contains("expected an integer"),
                rows.getMessage());
        InvalidConfigException device = assertThrows(InvalidConfigException.class,
                () -> conf(Map.of("spark.ember.device", "gpu")).validate());
        assertTrue(device.getMessage().contains("expected one of auto, cuda, host, emulator"), device.getMessage());
        assertThrows(InvalidConfigException.class,
                () -> conf(Map.of("spark.ember.batchSizeRows", "0")).get(EmberConf.BATCH_SIZE_ROWS));
        assertThrows(InvalidConfigException.class,
                () -> conf(Map.of("spark.ember.memory.gpu.allocFraction", "1.5")).get(EmberConf.GPU_ALLOC_FRACTION));
        assertThrows(InvalidConfigException.class,
                () -> conf(Map.of("spark.ember.enabled", "yes")).get(EmberConf.ENABLED));
    }

    @Test
    void operatorSwitchesAreReadByKey() {
        EmberConf conf = conf(Map.of("spark.ember.exec.FilterExec.enabled", "false"));
        assertEquals(false, conf.isEnabled("spark.ember.exec.FilterExec.enabled", true));
        assertEquals(true, conf.isEnabled("spark.ember.exec.ProjectExec.enabled", true));
    }
}
