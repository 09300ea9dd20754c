package dev.ember.tuner.qualification;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The hardware model file: per device, memory size and bandwidth, whether memory is unified with the
 * CPU, the cost of a row transition, and per-operator-category speedup factors over the CPU baseline;
 * plus the relative CPU cost weights used to split a stage's time among its operators. The bundled
 * file describes GB10, H100, H200, A100, L4 and the CPU baseline. Immutable.
 */
public final class HardwareModel {
  /** Where the bundled model lives on the classpath. */
  public static final String RESOURCE = "/dev/ember/tuner/hardware-models.json";

  /**
   * One device. Factors are CPU task time over Ember task time, per operator category.
   *
   * @param calibration where the factors were measured, or null when they are estimates
   */
  public record Device(String name, String description, double memoryGiB, double memoryBandwidthGBps,
      boolean unifiedMemory, double transitionNanosPerRow, Map<OperatorCategory, Double> operatorFactors,
      Calibration calibration) {
    public Device {
      requireNonNull(name, "name is null");
      operatorFactors = Map.copyOf(operatorFactors);
    }

    /** Whether {@code ember tune calibrate} measured this device's factors. */
    public boolean calibrated() {
      return calibration != null;
    }

    /** The factor for a category; 1 (no change) when the file does not list it. */
    public double factor(OperatorCategory category) {
      return operatorFactors.getOrDefault(category, 1.0);
    }
  }

  /**
   * Where a device's factors were measured ({@code "calibration"} in the file).
   *
   * @param machine the machine the bench ran on, as the bench report names it
   * @param scale the TPC-H scale factor of the bench run ("" when unknown)
   * @param date when the bench run started (ISO-8601, or the calibration date when the run did not say)
   * @param benchRun the bench output directory the event logs came from
   * @param queries how many queries the fit used
   * @param medianLeaveOneOutError median |predicted - measured| / measured speedup, each query predicted
   *     by a fit without it
   * @param p90LeaveOneOutError the 90th percentile of the same errors
   * @param method how the factors were fitted
   */
  public record Calibration(String machine, String scale, String date, String benchRun, int queries,
      double medianLeaveOneOutError, double p90LeaveOneOutError, String method) {
    public Calibration {
      requireNonNull(machine, "machine is null");
      requireNonNull(scale, "scale is null");
      requireNonNull(date, "date is null");
      requireNonNull(benchRun, "benchRun is null");
      requireNonNull(method, "method is null");
      if (!(medianLeaveOneOutError >= 0) || !(p90LeaveOneOutError >= 0)) {
        throw new IllegalArgumentException("leave-one-out errors must be non-negative numbers");
      }
    }

    /** One line for reports: where and how well the factors were measured. */
    public String describe() {
      return "calibrated on " + machine + (scale.isEmpty() ? "" : ", TPC-H scale " + scale) + ", " + date
          + ", from " + benchRun + " (" + queries + " queries, median leave-one-out error "
          + Math.round(medianLeaveOneOutError * 1000) / 10.0 + "%)";
    }
  }

  private final String about;
  private final String baselineDescription;
  private final double baselineBandwidthGBps;
  private final Map<OperatorCategory, Double> cpuCostWeights;
  private final List<Device> devices;

  private HardwareModel(String about, String baselineDescription, double baselineBandwidthGBps,
      Map<OperatorCategory, Double> cpuCostWeights, List<Device> devices) {
    this.about = about;
    this.baselineDescription = baselineDescription;
    this.baselineBandwidthGBps = baselineBandwidthGBps;
    this.cpuCostWeights = Map.copyOf(cpuCostWeights);
    this.devices = List.copyOf(devices);
  }

  /** The model bundled with the tuner. */
  public static HardwareModel bundled() {
    return parse(bundledJson());
  }

  /** The bundled model's JSON tree (a fresh copy), e.g. as the base of a calibrated file. */
  public static JsonNode bundledJson() {
    try (InputStream in = HardwareModel.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the tuner was built without " + RESOURCE);
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled hardware model", e);
    }
  }

  /** A model from a file with the bundled file's shape. */
  public static HardwareModel fromFile(Path file) throws IOException {
    requireNonNull(file, "file is null");
    try {
      return parse(readJson(file));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /** A model file's JSON tree; a file that is not JSON is an {@link IOException} naming it. */
  public static JsonNode readJson(Path file) throws IOException {
    requireNonNull(file, "file is null");
    if (!Files.isRegularFile(file)) {
      throw new java.nio.file.NoSuchFileException(file + " (no hardware model file there)");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return new ObjectMapper().readTree(in);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(file + " is not a hardware model (not JSON: " + e.getOriginalMessage() + ")", e);
    }
  }

  /** Parses a model from its JSON tree; throws {@link IllegalArgumentException} saying what is wrong. */
  public static HardwareModel parse(JsonNode root) {
    if (root == null || !root.path("devices").isArray() || root.path("devices").isEmpty()) {
      throw new IllegalArgumentException("not a hardware model: expected an object with a non-empty \"devices\" array");
    }
    List<Device> devices = new ArrayList<>();
    for (JsonNode device : root.path("devices")) {
      String name = device.path("name").asText("");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("a device in the hardware model has no \"name\"");
      }
      devices.add(new Device(name.toLowerCase(Locale.ROOT), device.path("description").asText(""),
          device.path("memoryGiB").asDouble(0), device.path("memoryBandwidthGBps").asDouble(0),
          device.path("unifiedMemory").asBoolean(false), device.path("transitionNanosPerRow").asDouble(0),
          categoryMap(device.path("operatorFactors"), "operatorFactors of " + name),
          calibration(device.path("calibration"), name)));
    }
    JsonNode baseline = root.path("baseline");
    return new HardwareModel(root.path("about").asText(""), baseline.path("description").asText("CPU baseline"),
        baseline.path("memoryBandwidthGBps").asDouble(0), categoryMap(root.path("cpuCostWeights"), "cpuCostWeights"),
        devices);
  }

  private static Calibration calibration(JsonNode node, String device) {
    if (node.isMissingNode() || node.isNull() || !node.path("calibrated").asBoolean(false)) {
      return null;
    }
    JsonNode median = node.get("medianLeaveOneOutError");
    JsonNode p90 = node.get("p90LeaveOneOutError");
    if (median == null || !median.isNumber() || p90 == null || !p90.isNumber()) {
      throw new IllegalArgumentException("calibration of " + device
          + " needs numeric medianLeaveOneOutError and p90LeaveOneOutError (rerun ember tune calibrate)");
    }
    return new Calibration(node.path("machine").asText("unknown machine"), node.path("scale").asText(""),
        node.path("date").asText(""), node.path("benchRun").asText(""), node.path("queries").asInt(0),
        median.doubleValue(), p90.doubleValue(), node.path("method").asText(""));
  }

  private static Map<OperatorCategory, Double> categoryMap(JsonNode node, String what) {
    Map<OperatorCategory, Double> result = new EnumMap<>(OperatorCategory.class);
    for (OperatorCategory category : OperatorCategory.values()) {
      JsonNode value = node.get(category.key());
      if (value != null) {
        if (!value.isNumber() || value.doubleValue() <= 0) {
          throw new IllegalArgumentException(what + "." + category.key() + " must be a positive number");
        }
        result.put(category, value.doubleValue());
      }
    }
    return result;
  }

  /** A device by name (case-insensitive). */
  public Optional<Device> device(String name) {
    requireNonNull(name, "name is null");
    String wanted = name.toLowerCase(Locale.ROOT);
    return devices.stream().filter(device -> device.name().equals(wanted)).findFirst();
  }

  public List<Device> devices() {
    return devices;
  }

  /** Relative CPU cost of a category, used to split stage time among operators; 1 when unlisted. */
  public double cpuCostWeight(OperatorCategory category) {
    return category == OperatorCategory.WRAPPER ? 0 : cpuCostWeights.getOrDefault(category, 1.0);
  }

  /** The file's own statement of where its numbers come from. */
  public String about() {
    return about;
  }

  public String baselineDescription() {
    return baselineDescription;
  }

  public double baselineBandwidthGBps() {
    return baselineBandwidthGBps;
  }
}
