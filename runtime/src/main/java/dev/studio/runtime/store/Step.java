package dev.studio.runtime.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One step of a run's journal: a model call or a tool call. A step {@code started} but never
 * {@code completed} is the step a lost worker was in.
 */
public record Step(
    int step,
    Kind kind,
    State state,
    int attempt,
    String toolName,
    String toolCallId,
    boolean idempotent,
    JsonNode input,
    JsonNode output,
    Instant startedAt,
    Instant finishedAt) {

  public enum Kind {
    model,
    tool
  }

  public enum State {
    started,
    completed,
    failed
  }

  /** Whether executing this step again cannot do harm: a model call, or an idempotent tool. */
  public boolean safeToRepeat() {
    return kind == Kind.model || idempotent;
  }
}
