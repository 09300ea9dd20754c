package dev.ember.tuner.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plugin's configuration declarations as the plugin generates them ({@code docs/configs.json}, copied
 * into the tuner jar at build time, as {@code supported-ops.json} is): every {@code spark.ember.*} key the
 * plugin reads, with its default. The tuner takes Ember's keys and defaults from here only, so a key the
 * plugin renames or a default it changes cannot drift from what the tuner recommends. Immutable.
 */
public final class EmberConfigs {
  /** Where the build puts the declarations inside the tuner's classpath. */
  public static final String RESOURCE = "/dev/ember/tuner/configs.json";

  private static final EmberConfigs BUNDLED = load();

  private final Map<String, String> defaults;
  private final List<String> keysInOrder;

  private EmberConfigs(Map<String, String> defaults) {
    this.defaults = Map.copyOf(defaults);
    this.keysInOrder = List.copyOf(defaults.keySet());
  }

  /** The declarations bundled with the tuner. */
  public static EmberConfigs bundled() {
    return BUNDLED;
  }

  /**
   * A key the plugin declares, returned as given.
   *
   * @throws IllegalStateException when the plugin does not declare it (the tuner was built against another
   *     plugin, or a rule names a key that no longer exists)
   */
  public String key(String key) {
    if (!defaults.containsKey(key)) {
      throw new IllegalStateException("the plugin declares no setting " + key + " in " + RESOURCE
          + "; rebuild the tuner with the plugin's docs/configs.json (mvn -pl plugin,tuner package)");
    }
    return key;
  }

  /** The plugin's default of a declared key, as text ({@code 262144}, {@code 0.9}, {@code auto}). */
  public String defaultValue(String key) {
    return defaults.get(key(key));
  }

  /** Every declared key, in the plugin's order. */
  public List<String> keys() {
    return keysInOrder;
  }

  private static EmberConfigs load() {
    try (InputStream in = EmberConfigs.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the tuner was built without " + RESOURCE
            + "; rebuild it with docs/configs.json present (mvn -pl tuner package)");
      }
      return parse(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled config declarations " + RESOURCE, e);
    }
  }

  static EmberConfigs parse(JsonNode root) {
    if (root == null || !root.path("configs").isArray()) {
      throw new IllegalArgumentException("not Ember's config declarations: expected an object with \"configs\"");
    }
    Map<String, String> defaults = new LinkedHashMap<>();
    for (JsonNode config : root.path("configs")) {
      String key = config.path("key").asText("");
      if (!key.isEmpty()) {
        defaults.put(key, config.path("default").asText(""));
      }
    }
    return new EmberConfigs(defaults);
  }
}
