package dev.studio.daemon.claim;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** Holds the current {@link ClaimConfig}; readers always see a whole configuration, never half an update. */
public final class ClaimConfigStore implements Supplier<ClaimConfig> {
  private final AtomicReference<ClaimConfig> current = new AtomicReference<>(ClaimConfig.EMPTY);

  @Override
  public ClaimConfig get() {
    return current.get();
  }

  public ClaimConfig apply(ClaimConfigPatch patch) {
    return current.updateAndGet(config -> config.with(patch));
  }
}
