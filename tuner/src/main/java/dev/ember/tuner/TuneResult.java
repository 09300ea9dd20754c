package dev.ember.tuner;

import dev.ember.tuner.io.InputError;
import java.util.List;

/** What one tuner run produced: a report per application read, and the inputs that could not be read. */
public record TuneResult(List<ApplicationReport> applications, List<InputError> errors) {
  public TuneResult {
    applications = List.copyOf(applications);
    errors = List.copyOf(errors);
  }
}
