package dev.studio.runtime.agent.model;

import java.util.List;

/** What a model call produced, once its stream ended. */
public record ModelResponse(String text, List<ToolCall> toolCalls, String stopReason, Usage usage) {
  public ModelResponse {
    text = text == null ? "" : text;
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
  }

  /** Tokens in and out, as the provider counted them (zero where it does not say). */
  public record Usage(long inputTokens, long outputTokens) {
    public static final Usage NONE = new Usage(0, 0);
  }
}
