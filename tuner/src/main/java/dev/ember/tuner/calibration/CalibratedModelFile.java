package dev.ember.tuner.calibration;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ember.tuner.qualification.HardwareModel;
import dev.ember.tuner.qualification.OperatorCategory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a hardware model file: the base model's JSON with one device's factors and transition cost
 * replaced by a fit and a {@code "calibration"} object saying where they were measured. Every other
 * device, the baseline and the CPU cost weights are copied unchanged, so the file has the bundled
 * file's shape and {@link HardwareModel#fromFile} reads it.
 */
public final class CalibratedModelFile {
  private CalibratedModelFile() {}

  /**
   * @param base the base model's JSON (not modified)
   * @param device the device to replace; it must be in the base model
   * @return the JSON written
   */
  public static JsonNode write(JsonNode base, String device, Calibrator.Fit fit,
      HardwareModel.Calibration calibration, Path file) throws IOException {
    requireNonNull(base, "base is null");
    requireNonNull(device, "device is null");
    requireNonNull(fit, "fit is null");
    requireNonNull(calibration, "calibration is null");
    requireNonNull(file, "file is null");
    ObjectNode root = base.deepCopy();
    ObjectNode target = null;
    for (JsonNode node : root.path("devices")) {
      if (node.path("name").asText("").toLowerCase(Locale.ROOT).equals(device.toLowerCase(Locale.ROOT))) {
        target = (ObjectNode) node;
      }
    }
    if (target == null) {
      throw new IllegalArgumentException("the base hardware model has no device '" + device + "'");
    }
    ObjectNode factors = target.putObject("operatorFactors");
    for (OperatorCategory category : OperatorCategory.values()) {
      if (category != OperatorCategory.WRAPPER) {
        factors.put(category.key(), round(fit.factors().get(category)));
      }
    }
    target.put("transitionNanosPerRow", round(fit.transitionNanosPerRow()));
    ObjectNode record = target.putObject("calibration");
    record.put("calibrated", true);
    record.put("machine", calibration.machine());
    record.put("scale", calibration.scale());
    record.put("date", calibration.date());
    record.put("benchRun", calibration.benchRun());
    record.put("queries", calibration.queries());
    record.put("medianLeaveOneOutError", round(calibration.medianLeaveOneOutError()));
    record.put("p90LeaveOneOutError", round(calibration.p90LeaveOneOutError()));
    ArrayNode fitted = record.putArray("fittedCategories");
    fit.fitted().forEach(category -> fitted.add(category.key()));
    record.put("method", calibration.method());
    root.put("about", root.path("about").asText("") + " | device " + device + ": "
        + calibration.describe());
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    return root;
  }

  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }
}
