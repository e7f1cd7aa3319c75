package dev.studio.runtime.sandbox;

import java.io.IOException;
import java.util.Optional;

/** A provider this process cannot offer: every sandbox fails with the reason, so users see why. */
public final class UnavailableSandboxProvider implements SandboxProvider {
  private final String reason;

  public UnavailableSandboxProvider(String reason) {
    this.reason = reason;
  }

  @Override
  public DaemonEndpoint launch(String handle, SandboxSpec spec) throws IOException {
    throw new IOException(reason);
  }

  @Override
  public Optional<DaemonEndpoint> endpoint(String handle) {
    return Optional.empty();
  }

  @Override
  public void stop(String handle) {}
}
