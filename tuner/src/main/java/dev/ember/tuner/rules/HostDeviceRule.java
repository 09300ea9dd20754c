package dev.ember.tuner.rules;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An Ember run that used the host device (pure Java, no GPU): fires when the plugin reported
 * {@code spark.ember.device.chosen=host} or the run asked for {@code host} or {@code emulator}.
 * When {@code auto} was asked and the chosen device is not in the log, it fires with low confidence.
 */
public final class HostDeviceRule implements Rule {
  @Override
  public String id() {
    return "ember.hostDevice";
  }

  @Override
  public Optional<Recommendation> evaluate(RuleContext context) {
    if (!context.app().usedEmber()) {
      return Optional.empty();
    }
    String asked = context.property(EmberSettings.DEVICE, "auto");
    String chosen = context.property(EmberSettings.DEVICE_CHOSEN, null);
    boolean onHost = "host".equalsIgnoreCase(chosen) || "emulator".equalsIgnoreCase(chosen)
        || (chosen == null && ("host".equalsIgnoreCase(asked) || "emulator".equalsIgnoreCase(asked)));
    boolean unknown = chosen == null && "auto".equalsIgnoreCase(asked);
    if (!onHost && !unknown) {
      return Optional.empty();
    }
    Map<String, Object> read = new LinkedHashMap<>();
    read.put(EmberSettings.DEVICE, asked);
    read.put(EmberSettings.DEVICE_CHOSEN, chosen == null ? "not in the log" : chosen);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(EmberSettings.DEVICE, "cuda");
    return Optional.of(new Recommendation(id(),
        onHost ? "This Ember run did not use a GPU" : "Check which device this Ember run used", settings, read,
        "device chosen (or asked) is host or emulator; or auto with no record of the choice",
        "with cuda, Ember fails at start-up with the reason instead of silently running on the CPU;"
            + " the driver log line from device selection says why auto fell back",
        onHost ? Confidence.HIGH : Confidence.LOW));
  }
}
