package dev.ember.tuner.io;

/** An event log that could not be read at all; the message is one line a user can act on. */
public final class EventLogException extends Exception {
  private static final long serialVersionUID = 1L;

  public EventLogException(String message) {
    super(message);
  }
}
