package dev.studio.runtime.sandbox;

import java.time.Instant;
import java.util.UUID;

/** A user's sandbox for a project, as the platform records it. */
public record Sandbox(
    UUID id, UUID orgId, String owner, String handle, SandboxSpec spec, State state, String previewUrl, String error,
    Instant createdAt) {

  /** starting (setup running), ready (the preview serves), failed (error says why). */
  public enum State {
    starting,
    ready,
    failed
  }
}
