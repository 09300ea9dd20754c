package dev.ember.bench.query;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The TPC-DS-like queries, written by this project from the TPC-DS specification's query templates as
 * Spark SQL, with the specification's validation (qualification) substitution parameters. The texts
 * live in {@code dev/ember/bench/tpcds/<name>.sql}.
 *
 * <p>All 99 are written ({@link #missing()} is empty); {@link #written()} and {@link #missing()} stay so
 * that a text removed while it is reworked is named in the report instead of failing the run. Differences from the specification, all deliberate: row
 * limits use {@code limit}; date arithmetic uses Spark's {@code date_add}/{@code interval} forms;
 * {@code ORDER BY} lists are completed where the template leaves ties to the engine's whim, so two
 * runs give one answer; a division by a count that is 0 at small scales divides by {@code nullif(.., 0)}
 * (q12, q90), since Spark's ANSI mode fails on it where the specification's engines return null.
 */
public final class TpcdsQueries {
  private static final String RESOURCE_FOLDER = "/dev/ember/bench/tpcds/";
  /** The query numbers the specification splits into an {@code a} and a {@code b} query. */
  private static final List<Integer> SPLIT = List.of(14, 23, 24, 39);

  private TpcdsQueries() {}

  /** The 103 query names of the specification, in number order ({@code q1}, ..., {@code q14a}, {@code q14b}, ...). */
  public static List<String> specificationNames() {
    List<String> names = new ArrayList<>();
    for (int number = 1; number <= 99; number++) {
      names.addAll(namesOf(number));
    }
    return List.copyOf(names);
  }

  /** The specification's names of query {@code number}: one, or its {@code a} and {@code b} parts. */
  public static List<String> namesOf(int number) {
    if (number < 1 || number > 99) {
      throw new IllegalArgumentException("TPC-DS has queries 1 to 99; there is no query " + number);
    }
    return SPLIT.contains(number) ? List.of("q" + number + "a", "q" + number + "b") : List.of("q" + number);
  }

  /** The names whose text this project has written, in number order. */
  public static List<String> written() {
    return specificationNames().stream().filter(name -> text(name).isPresent()).toList();
  }

  /** The names of the specification whose text is not written yet, in number order. */
  public static List<String> missing() {
    return specificationNames().stream().filter(name -> text(name).isEmpty()).toList();
  }

  /** The queries with the given names, in the order given; each must be {@link #written()}. */
  public static List<TpcdsQuery> select(List<String> names) {
    requireNonNull(names, "names is null");
    List<TpcdsQuery> queries = new ArrayList<>();
    for (String name : names) {
      queries.add(query(name));
    }
    return List.copyOf(queries);
  }

  /** The query named {@code name}. */
  public static TpcdsQuery query(String name) {
    requireNonNull(name, "name is null");
    if (!specificationNames().contains(name)) {
      throw new IllegalArgumentException("TPC-DS has no query named " + name + "; its names are q1 to q99, with"
          + " q14a, q14b, q23a, q23b, q24a, q24b, q39a and q39b for the split ones");
    }
    return new TpcdsQuery(name, text(name).orElseThrow(() -> new IllegalArgumentException(
        "the TPC-DS query " + name + " is not written yet; written: " + written())));
  }

  private static Optional<String> text(String name) {
    String resource = RESOURCE_FOLDER + name + ".sql";
    try (InputStream in = TpcdsQueries.class.getResourceAsStream(resource)) {
      if (in == null) {
        return Optional.empty();
      }
      return Optional.of(stripComments(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /** The text without its leading comment lines (where each file says where it departs from the template). */
  private static String stripComments(String text) {
    StringBuilder sql = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (!line.stripLeading().startsWith("--")) {
        sql.append(line).append('\n');
      }
    }
    String stripped = sql.toString().strip();
    return stripped.endsWith(";") ? stripped.substring(0, stripped.length() - 1).strip() : stripped;
  }
}
