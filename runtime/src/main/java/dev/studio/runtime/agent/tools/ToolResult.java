package dev.studio.runtime.agent.tools;

/** What a tool answers the model: text, and whether it is an error. */
public record ToolResult(String content, boolean error) {
  public static ToolResult ok(String content) {
    return new ToolResult(content, false);
  }

  public static ToolResult error(String content) {
    return new ToolResult(content, true);
  }
}
