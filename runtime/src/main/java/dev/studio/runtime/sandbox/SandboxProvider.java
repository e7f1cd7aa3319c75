package dev.studio.runtime.sandbox;

import java.time.Instant;
import java.util.Optional;

/** Starts and stops sandbox daemons: as SandboxClaims on Kubernetes, or as local processes. */
public interface SandboxProvider extends AutoCloseable {
  /** Starts a sandbox's daemon and returns once its control API answers. */
  DaemonEndpoint launch(String handle, String owner, SandboxSpec spec) throws Exception;

  /** The daemon of a launched sandbox, if it is still there. */
  Optional<DaemonEndpoint> endpoint(String handle);

  /** The port the dev server listens on: the project's own, else one this provider picks. */
  default int devServerPort(SandboxSpec spec) throws java.io.IOException {
    return spec.port() != null ? spec.port() : 3000;
  }

  /**
   * Passes on when the sandbox was last used (its daemon's {@code /_sandbox/idle}), for idle
   * expiry; a provider whose sandboxes do not expire ignores it.
   */
  default void reportActivity(String handle, Instant lastActivity) {}

  /** Stops it and removes what it left. */
  void stop(String handle);

  @Override
  default void close() {}
}
