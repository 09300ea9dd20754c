package dev.ember.bench;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The {@code --option value} and {@code --option=value} pairs of a bench command line, in order, for the bench
 * commands' own option parsers (each knows its options' meanings; this only splits the words).
 */
public final class OptionValues {
  private OptionValues() {}

  /** One option with its value. */
  public record OptionValue(String option, String value) {}

  /**
   * Splits {@code arguments} into options and values.
   *
   * @param optionsWithValues every option the command accepts (each takes a value)
   * @throws BenchOptions.HelpRequested for {@code -h} or {@code --help}
   * @throws UsageException for an option not in {@code optionsWithValues} or one without its value
   */
  public static List<OptionValue> of(List<String> arguments, Collection<String> optionsWithValues) {
    requireNonNull(arguments, "arguments is null");
    List<OptionValue> result = new ArrayList<>();
    for (int index = 0; index < arguments.size(); index++) {
      String option = arguments.get(index);
      String value = null;
      int equals = option.indexOf('=');
      if (option.startsWith("--") && equals > 0) {
        value = option.substring(equals + 1);
        option = option.substring(0, equals);
      }
      if (option.equals("-h") || option.equals("--help")) {
        throw new BenchOptions.HelpRequested();
      }
      if (!optionsWithValues.contains(option)) {
        throw new UsageException("unknown option '" + option + "'");
      }
      if (value == null) {
        if (index + 1 >= arguments.size()) {
          throw new UsageException(option + " needs a value");
        }
        value = arguments.get(++index);
      }
      result.add(new OptionValue(option, value));
    }
    return result;
  }
}
