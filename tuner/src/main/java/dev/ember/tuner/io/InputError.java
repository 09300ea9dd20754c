package dev.ember.tuner.io;

import static java.util.Objects.requireNonNull;

/**
 * An input that could not be read, with a one-line reason a user can act on.
 *
 * @param path the file or directory as the user named it (or as found inside a directory)
 * @param reason one line, no stack trace
 */
public record InputError(String path, String reason) {
  public InputError {
    requireNonNull(path, "path is null");
    requireNonNull(reason, "reason is null");
  }

  @Override
  public String toString() {
    return path + ": " + reason;
  }
}
