package dev.studio.runtime.agent.model;

import java.util.List;

/** A message of the conversation sent to a model. */
public sealed interface ChatMessage {

  /** What the user said. */
  record User(String text) implements ChatMessage {}

  /** What the model answered: text, tool calls, or both. */
  record Assistant(String text, List<ToolCall> toolCalls) implements ChatMessage {
    public Assistant {
      text = text == null ? "" : text;
      toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }
  }

  /** The result of one tool call, answered to the model. */
  record ToolResult(String callId, String toolName, String content, boolean error) implements ChatMessage {}
}
