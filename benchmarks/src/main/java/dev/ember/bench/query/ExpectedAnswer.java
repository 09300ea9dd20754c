package dev.ember.bench.query;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The answer of one query at scale factor {@value #SCALE} as the tpch generator jar ships it
 * ({@code io/trino/tpch/queries/q<N>.result}): rows of text fields, in the query's order.
 *
 * <p>Format of the jar's files: a header line starting with {@code --}, then one row per line with
 * fields separated by {@code |} and sometimes a trailing {@code |}; a SQL null is the text
 * {@code null}. Numbers are printed with their trailing zeros dropped, averages rounded.
 *
 * @param queryNumber the TPC-H query number
 * @param rows the rows, each a list of field texts (a trailing empty field from a trailing
 *     delimiter is kept; {@link dev.ember.bench.compare.ExpectedAnswerCheck} drops it when the
 *     row has one field more than the result)
 */
public record ExpectedAnswer(int queryNumber, List<List<String>> rows) {
  /** The scale factor the bundled answers were computed at. */
  public static final String SCALE = "0.01";

  private static final String RESOURCE_FOLDER = "/io/trino/tpch/queries/";

  public ExpectedAnswer {
    requireNonNull(rows, "rows is null");
    rows = rows.stream().map(List::copyOf).toList();
  }

  /** The bundled answer of query {@code number}, or empty when the jar has none. */
  public static Optional<ExpectedAnswer> bundled(int number) {
    String resource = RESOURCE_FOLDER + "q" + number + ".result";
    try (InputStream in = ExpectedAnswer.class.getResourceAsStream(resource)) {
      if (in == null) {
        return Optional.empty();
      }
      return Optional.of(parse(number, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /** Parses the text of a {@code .result} file. */
  public static ExpectedAnswer parse(int number, String text) {
    requireNonNull(text, "text is null");
    List<List<String>> rows = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (line.startsWith("--") || line.isEmpty()) {
        continue;
      }
      rows.add(Arrays.asList(line.split("\\|", -1)));
    }
    return new ExpectedAnswer(number, rows);
  }
}
