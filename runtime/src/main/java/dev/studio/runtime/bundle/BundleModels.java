package dev.studio.runtime.bundle;

import dev.studio.runtime.RuntimeConfig;
import dev.studio.runtime.agent.model.ModelProvider;
import dev.studio.runtime.agent.model.ModelProviders;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The model a bundle names, from the platform's provider; the platform's own when it names none. */
public final class BundleModels {
  private final RuntimeConfig.Model config;
  private final ModelProvider platform;
  private final Map<String, ModelProvider> named = new ConcurrentHashMap<>();

  public BundleModels(RuntimeConfig.Model config, ModelProvider platform) {
    this.config = config;
    this.platform = platform;
  }

  public ModelProvider of(Optional<String> name) {
    return name.map(n -> named.computeIfAbsent(n, m -> ModelProviders.named(config, m))).orElse(platform);
  }
}
