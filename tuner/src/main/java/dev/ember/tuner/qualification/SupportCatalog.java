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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The plugin's support catalog as the plugin generates it ({@code docs/supported-ops.json}, copied into
 * the tuner jar at build time): which Spark plan nodes and expressions Ember converts, with their
 * enable keys. Qualification reads only this file, so it says what the plugin really does.
 * Immutable.
 */
public final class SupportCatalog {
  /** Where the build puts the catalog inside the tuner's classpath. */
  public static final String RESOURCE = "/dev/ember/tuner/supported-ops.json";

  /**
   * A supported exec; {@code planNodeName} is how event logs name the Spark node ({@code Scan parquet}, which
   * the log may follow with a table name), {@code carries} the event-log names of the Spark nodes next to it
   * that run on Ember's batches when it does (a broadcast join's exchange, a shuffle read above an exchange).
   */
  public record Exec(String name, String planNodeName, List<String> carries, String emberNode, String enableKey,
      String notes) {
    public Exec {
      carries = List.copyOf(carries);
    }
  }

  /** A supported expression; {@code name} is the Catalyst class's simple name. */
  public record Expression(String name, String enableKey, String types, String notes) {}

  private final String emberVersion;
  private final String generatedBy;
  private final Map<String, Exec> execsByPlanNodeName;
  private final Map<String, Expression> expressionsByNormalizedName;
  private final List<String> types;

  private SupportCatalog(String emberVersion, String generatedBy, Map<String, Exec> execs,
      Map<String, Expression> expressions, List<String> types) {
    this.emberVersion = emberVersion;
    this.generatedBy = generatedBy;
    this.execsByPlanNodeName = Map.copyOf(execs);
    this.expressionsByNormalizedName = Map.copyOf(expressions);
    this.types = List.copyOf(types);
  }

  /** The catalog bundled with the tuner. */
  public static SupportCatalog bundled() {
    try (InputStream in = SupportCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the tuner was built without " + RESOURCE
            + "; rebuild it with docs/supported-ops.json present (mvn -pl tuner package)");
      }
      return parse(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled support catalog", e);
    }
  }

  /** A catalog from a file (e.g. a newer plugin's {@code docs/supported-ops.json}). */
  public static SupportCatalog fromFile(Path file) throws IOException {
    requireNonNull(file, "file is null");
    try (InputStream in = Files.newInputStream(file)) {
      return parse(new ObjectMapper().readTree(in));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  static SupportCatalog parse(JsonNode root) {
    if (root == null || !root.isObject() || !root.has("execs")) {
      throw new IllegalArgumentException("not a support catalog: expected an object with \"execs\", \"expressions\", \"types\"");
    }
    Map<String, Exec> execs = new HashMap<>();
    for (JsonNode exec : root.path("execs")) {
      String planNodeName = exec.path("planNodeName").asText("");
      if (!planNodeName.isEmpty()) {
        List<String> carries = new ArrayList<>();
        for (JsonNode carried : exec.path("carries")) {
          carries.add(carried.asText());
        }
        execs.put(planNodeName, new Exec(exec.path("name").asText(""), planNodeName, carries,
            exec.path("emberNode").asText(""), exec.path("enableKey").asText(""), exec.path("notes").asText("")));
      }
    }
    Map<String, Expression> expressions = new HashMap<>();
    for (JsonNode expression : root.path("expressions")) {
      String name = expression.path("name").asText("");
      if (!name.isEmpty()) {
        expressions.put(normalize(name), new Expression(name, expression.path("enableKey").asText(""),
            expression.path("types").asText(""), expression.path("notes").asText("")));
      }
    }
    List<String> types = new ArrayList<>();
    for (JsonNode type : root.path("types")) {
      types.add(type.asText());
    }
    return new SupportCatalog(root.path("emberVersion").asText("unknown"), root.path("generatedBy").asText("unknown"),
        execs, expressions, types);
  }

  /** Lower case without underscores: how plan text and class names are compared. */
  static String normalize(String name) {
    return name.replace("_", "").toLowerCase(Locale.ROOT);
  }

  public String emberVersion() {
    return emberVersion;
  }

  public String generatedBy() {
    return generatedBy;
  }

  /**
   * The exec entry for a plan node name as the event log shows it: the entry of that name, or of the longest
   * name that the node's name continues after a space ({@code Scan parquet spark_catalog.db.t}).
   */
  public Optional<Exec> exec(String planNodeName) {
    Exec exact = execsByPlanNodeName.get(planNodeName);
    if (exact != null) {
      return Optional.of(exact);
    }
    Exec longest = null;
    for (Exec exec : execsByPlanNodeName.values()) {
      if (planNodeName.startsWith(exec.planNodeName() + " ")
          && (longest == null || exec.planNodeName().length() > longest.planNodeName().length())) {
        longest = exec;
      }
    }
    return Optional.ofNullable(longest);
  }

  /** The exec whose Ember node has this event-log name ({@code EmberShuffleExchange}, with or without {@code Exec}). */
  public Optional<Exec> execOfEmberNode(String emberNodeName) {
    String name = stripExec(emberNodeName.trim());
    return execsByPlanNodeName.values().stream().filter(exec -> stripExec(exec.emberNode()).equals(name)).findFirst();
  }

  private static String stripExec(String name) {
    return name.endsWith("Exec") ? name.substring(0, name.length() - "Exec".length()) : name;
  }

  /** Plan-text function names whose Catalyst class is named differently. */
  private static final Map<String, String> SQL_NAMES = Map.of("avg", "average", "mean", "average");

  /** The expression entry whose class name matches a function name from plan text. */
  public Optional<Expression> expression(String functionName) {
    String normalized = normalize(functionName);
    return Optional.ofNullable(expressionsByNormalizedName.get(SQL_NAMES.getOrDefault(normalized, normalized)));
  }

  public int execCount() {
    return execsByPlanNodeName.size();
  }

  public int expressionCount() {
    return expressionsByNormalizedName.size();
  }

  public List<String> types() {
    return types;
  }
}
