package dev.studio.runtime.agent.model;

import dev.studio.runtime.RuntimeConfig;

/** The model provider the configuration names. */
public final class ModelProviders {
  private ModelProviders() {}

  public static ModelProvider from(RuntimeConfig.Model model) {
    return switch (model.provider()) {
      case anthropic -> new AnthropicModel(model.baseUrl().orElse(null), model.name().orElse(null), model.apiKey().orElseThrow());
      case openai -> new OpenAiModel(model.baseUrl().orElse(null), model.name().orElse(null), model.apiKey());
      case dev -> new DevModel();
    };
  }
}
