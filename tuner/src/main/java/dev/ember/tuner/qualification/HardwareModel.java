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

  /** One device. Factors are CPU task time over Ember task time, per operator category. */
  public record Device(String name, String description, double memoryGiB, double memoryBandwidthGBps,
      boolean unifiedMemory, double transitionNanosPerRow, Map<OperatorCategory, Double> operatorFactors) {
    public Device {
      requireNonNull(name, "name is null");
      operatorFactors = Map.copyOf(operatorFactors);
    }

    /** The factor for a category; 1 (no change) when the file does not list it. */
    public double factor(OperatorCategory category) {
      return operatorFactors.getOrDefault(category, 1.0);
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
    try (InputStream in = HardwareModel.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the tuner was built without " + RESOURCE);
      }
      return parse(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled hardware model", e);
    }
  }

  /** A model from a file with the bundled file's shape. */
  public static HardwareModel fromFile(Path file) throws IOException {
    requireNonNull(file, "file is null");
    try (InputStream in = Files.newInputStream(file)) {
      return parse(new ObjectMapper().readTree(in));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  static HardwareModel parse(JsonNode root) {
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
          categoryMap(device.path("operatorFactors"), "operatorFactors of " + name)));
    }
    JsonNode baseline = root.path("baseline");
    return new HardwareModel(root.path("about").asText(""), baseline.path("description").asText("CPU baseline"),
        baseline.path("memoryBandwidthGBps").asDouble(0), categoryMap(root.path("cpuCostWeights"), "cpuCostWeights"),
        devices);
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
