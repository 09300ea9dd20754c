package dev.ember.tuner.report;

import static java.util.Objects.requireNonNull;

import dev.ember.tuner.ApplicationReport;
import dev.ember.tuner.TuneResult;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The recommended settings as a Spark properties file ({@code spark-submit --properties-file}),
 * one commented section per application. With several applications, later sections win for
 * repeated keys, so tune one job per file when that matters.
 */
public final class ConfReport {
  private ConfReport() {}

  public static void write(TuneResult result, Path file) throws IOException {
    requireNonNull(result, "result is null");
    requireNonNull(file, "file is null");
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("# Written by ember tune. Use with spark-submit --properties-file " + file.getFileName() + "\n");
      for (ApplicationReport report : result.applications()) {
        out.write("\n# " + report.app().appId() + " \"" + Format.oneLine(report.app().name(), 80).replace('\n', ' ') + "\"\n");
        if (report.settings().isEmpty()) {
          out.write("# no changes recommended\n");
        }
        for (Map.Entry<String, String> setting : report.settings().entrySet()) {
          out.write(escapeKey(setting.getKey()) + "=" + escapeValue(setting.getValue()) + "\n");
        }
      }
    }
  }

  /** Java properties escaping for keys. */
  private static String escapeKey(String text) {
    return escapeValue(text).replace("=", "\\=").replace(":", "\\:").replace(" ", "\\ ");
  }

  /** Java properties escaping for values. */
  private static String escapeValue(String text) {
    return text.replace("\\", "\\\\").replace("\n", "\\n");
  }
}
