package dev.studio.runtime.sandbox;

import java.time.Instant;
import java.util.UUID;

/**
 * A user's sandbox for a project, as the platform records it.
 *
 * @param phase the setup step it is in or last reached (launch, config, clone, install, build,
 *     start, preview); null before setup begins
 */
public record Sandbox(
    UUID id, UUID orgId, String owner, String handle, SandboxSpec spec, State state, String phase, String previewUrl, String error,
    Instant createdAt) {

  /** starting (setup running), ready (the preview serves), failed (error says why). */
  public enum State {
    starting,
    ready,
    failed
  }
}
