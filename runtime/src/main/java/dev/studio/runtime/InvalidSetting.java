package dev.studio.runtime;

/** A missing or malformed setting: its message is the one line start-up prints before exiting. */
public final class InvalidSetting extends RuntimeException {
  public InvalidSetting(String message) {
    super(message, null, false, false);
  }
}
