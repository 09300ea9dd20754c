package dev.ember.tuner;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cluster the recommendations are for ({@code --target-cluster FILE}), a JSON object:
 * <pre>{"device": "h100", "executors": 4, "coresPerExecutor": 16, "executorMemoryGiB": 64, "gpusPerExecutor": 1}</pre>
 * {@code device} names a hardware model device; every other field is optional (0 = same as the run).
 *
 * @param device hardware model device name
 * @param executors executor count, 0 when unspecified
 * @param coresPerExecutor cores per executor, 0 when unspecified
 * @param executorMemoryGiB heap per executor, 0 when unspecified
 * @param gpusPerExecutor GPUs per executor, 0 when unspecified
 */
public record TargetCluster(String device, int executors, int coresPerExecutor, double executorMemoryGiB,
    int gpusPerExecutor) {
  public TargetCluster {
    requireNonNull(device, "device is null");
    if (executors < 0 || coresPerExecutor < 0 || executorMemoryGiB < 0 || gpusPerExecutor < 0) {
      throw new IllegalArgumentException("target cluster sizes must not be negative");
    }
  }

  /** Reads a target cluster file; the message of a failure says what to fix. */
  public static TargetCluster fromFile(Path file) throws IOException {
    requireNonNull(file, "file is null");
    JsonNode root;
    try (InputStream in = Files.newInputStream(file)) {
      root = new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new IOException(file + ": not valid JSON (" + e.getMessage().split("\n")[0] + ")", e);
    }
    if (root == null || !root.isObject() || !root.path("device").isTextual()) {
      throw new IOException(file + ": expected a JSON object with at least \"device\" (e.g. {\"device\": \"h100\"})");
    }
    try {
      return new TargetCluster(root.path("device").asText(), root.path("executors").asInt(0),
          root.path("coresPerExecutor").asInt(0), root.path("executorMemoryGiB").asDouble(0),
          root.path("gpusPerExecutor").asInt(0));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }
}
