package dev.studio.runtime.bundle;

/** A revision that cannot be loaded; the message says why, for the Bundle's status. */
public final class InvalidBundle extends Exception {
  public InvalidBundle(String message) {
    super(message);
  }

  public InvalidBundle(String message, Throwable cause) {
    super(message, cause);
  }
}
