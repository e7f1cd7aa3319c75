package dev.studio.runtime.mcp;

/**
 * A tool of several connections is named {@code <connection name>__<tool>}. Connection names hold
 * no {@code "__"}, so the first one splits a name back unambiguously.
 */
final class ToolNames {
  static final String SEPARATOR = "__";

  private ToolNames() {}

  static String qualified(String connection, String tool) {
    return connection + SEPARATOR + tool;
  }

  /** {connection, tool}, or null when the name is not qualified. */
  static String[] split(String qualified) {
    int at = qualified.indexOf(SEPARATOR);
    if (at <= 0 || at + SEPARATOR.length() >= qualified.length()) {
      return null;
    }
    return new String[] {qualified.substring(0, at), qualified.substring(at + SEPARATOR.length())};
  }
}
