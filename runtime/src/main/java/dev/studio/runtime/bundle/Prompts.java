package dev.studio.runtime.bundle;

import dev.studio.runtime.agent.model.ChatMessage;
import dev.studio.runtime.agent.model.ModelException;
import dev.studio.runtime.agent.model.ModelRequest;
import java.util.List;

/** One model call with a rendered prompt: a declarative bundle's operations and jobs. */
final class Prompts {
  static final int MAX_TOKENS = 4096;

  private final BundleModels models;

  Prompts(BundleModels models) {
    this.models = models;
  }

  String complete(BundleDefinition spec, String system, String prompt) throws ModelException, InterruptedException {
    var request = new ModelRequest(system, List.of(new ChatMessage.User(prompt)), List.of(), MAX_TOKENS);
    return models.of(spec.model()).complete(request, text -> {}).text();
  }
}
