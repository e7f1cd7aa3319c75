package dev.studio.runtime.store;

import dev.studio.runtime.dispatch.Lane;
import java.time.Instant;
import java.util.UUID;

/** A run: one message executed by a worker. */
public record Run(
    UUID id,
    UUID orgId,
    UUID threadId,
    long seq,
    UUID messageId,
    Lane lane,
    State state,
    String bundle,
    int maxSteps,
    int attempt,
    String worker,
    String error,
    String reason,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt) {

  /** Life stages of a run; the last four are terminal. */
  public enum State {
    queued,
    running,
    completed,
    failed,
    interrupted,
    cancelled;

    public boolean terminal() {
      return this != queued && this != running;
    }
  }
}
