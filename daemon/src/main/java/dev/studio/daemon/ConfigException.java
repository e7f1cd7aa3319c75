package dev.studio.daemon;

/** A start-up setting is missing or malformed; the message is the one line printed before exiting. */
public final class ConfigException extends RuntimeException {
  private final String variable;

  public ConfigException(String variable, String problem) {
    super(variable + " " + problem);
    this.variable = variable;
  }

  public String variable() {
    return variable;
  }
}
