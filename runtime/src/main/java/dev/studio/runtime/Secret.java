package dev.studio.runtime;

/**
 * A secret setting. Its {@code toString} never shows the value, so a config record, a log line or
 * an exception message that includes one cannot leak it.
 */
public record Secret(String value) {
  public Secret {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("a secret cannot be empty");
    }
  }

  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "****";
  }
}
