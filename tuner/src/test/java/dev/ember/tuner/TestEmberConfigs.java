package dev.ember.tuner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.catalog.SupportDocs;
import dev.ember.config.ConfigEntry;
import dev.ember.config.EmberConf;
import dev.ember.tuner.rules.EmberConfigs;
import dev.ember.tuner.rules.EmberSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tuner's Ember keys and defaults come from the plugin's declarations: the bundled
 * {@code configs.json} is exactly what the plugin generates from {@code EmberConf}, and every key and
 * default the rules use agrees with it. A renamed key or a changed default fails here, not in a user's
 * recommendation.
 */
class TestEmberConfigs {

  @Test
  void bundledDeclarationsAreThePluginsOwn() throws IOException {
    try (InputStream in = EmberConfigs.class.getResourceAsStream(EmberConfigs.RESOURCE)) {
      assertTrue(in != null, "the tuner jar has no " + EmberConfigs.RESOURCE);
      String bundled = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(SupportDocs.configsJson(), bundled, "docs/configs.json is stale; regenerate it with: mvn -q -pl"
          + " plugin test -Dtest=TestGeneratedDocs -Dember.docs.regenerate=true");
    }
  }

  @Test
  void rulesUseThePluginsKeysAndDefaults() {
    Map<String, Object> declared = new HashMap<>();
    for (ConfigEntry<?> entry : EmberConf.ENTRIES) {
      declared.put(entry.key(), entry.defaultValue());
    }
    for (String key : List.of(EmberSettings.ENABLED, EmberSettings.DEVICE, EmberSettings.BATCH_SIZE_ROWS,
        EmberSettings.BATCH_SIZE_BYTES, EmberSettings.CONCURRENT_GPU_TASKS, EmberSettings.ALLOC_FRACTION,
        EmberSettings.EXPLAIN)) {
      assertTrue(declared.containsKey(key), key + " is not a setting of the plugin");
    }
    assertEquals(((Number) declared.get(EmberSettings.BATCH_SIZE_ROWS)).longValue(), EmberSettings.DEFAULT_BATCH_ROWS);
    assertEquals(declared.get(EmberSettings.BATCH_SIZE_BYTES), EmberSettings.DEFAULT_BATCH_BYTES);
    assertEquals(declared.get(EmberSettings.ALLOC_FRACTION), EmberSettings.DEFAULT_ALLOC_FRACTION);
    assertEquals(declared.get(EmberSettings.CONCURRENT_GPU_TASKS), EmberSettings.DEFAULT_CONCURRENT_GPU_TASKS);
    assertEquals(EmberConf.ENTRIES.size(), EmberConfigs.bundled().keys().size());
  }

  @Test
  void anUndeclaredKeyIsRefused() {
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> EmberConfigs.bundled().key("spark.ember.noSuchSetting"));
    assertTrue(refused.getMessage().contains("spark.ember.noSuchSetting"), refused.getMessage());
  }
}
