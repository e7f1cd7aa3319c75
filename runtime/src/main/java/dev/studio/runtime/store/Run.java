package dev.studio.runtime.store;

import dev.studio.runtime.dispatch.Lane;
import java.time.Instant;
import java.util.UUID;

/** A run: one message executed by a worker (or its user's linked desktop); {@code sandbox} names the sandbox it used, if known. */
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
    Instant finishedAt,
    Transport transport,
    String sandbox) {

  /**
   * Where a run executes: on a platform worker ({@code hosted}), or on its user's linked desktop
   * ({@code link}, see the link feature).
   */
  public enum Transport {
    hosted,
    link
  }

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
