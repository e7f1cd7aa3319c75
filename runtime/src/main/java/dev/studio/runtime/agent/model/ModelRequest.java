package dev.studio.runtime.agent.model;

import java.util.List;

/** One model call. */
public record ModelRequest(String system, List<ChatMessage> messages, List<ToolSpec> tools, int maxTokens) {
  public ModelRequest {
    messages = List.copyOf(messages);
    tools = tools == null ? List.of() : List.copyOf(tools);
  }
}
