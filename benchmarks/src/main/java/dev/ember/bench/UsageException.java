package dev.ember.bench;

/** Bad command-line input; the message says what to change. {@link BenchMain} prints it with the usage. */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
