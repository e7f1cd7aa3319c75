package dev.studio.runtime.agent.model;

import dev.studio.runtime.RuntimeConfig;

/** The model provider the configuration names. */
public final class ModelProviders {
  private ModelProviders() {}

  /** The configured provider with another model of it (a bundle's choice). */
  public static ModelProvider named(RuntimeConfig.Model model, String name) {
    return from(new RuntimeConfig.Model(model.provider(), java.util.Optional.of(name), model.apiKey(), model.baseUrl()));
  }

  public static ModelProvider from(RuntimeConfig.Model model) {
    return switch (model.provider()) {
      case anthropic -> new AnthropicModel(model.baseUrl().orElse(null), model.name().orElse(null), model.apiKey().orElseThrow());
      case openai -> new OpenAiModel(model.baseUrl().orElse(null), model.name().orElse(null), model.apiKey());
      case dev -> model.name().map(DevModel::new).orElseGet(DevModel::new);
    };
  }
}
