package dev.studio.runtime.link.client;

import dev.studio.runtime.agent.model.DeltaSink;
import dev.studio.runtime.agent.model.ModelProvider;
import dev.studio.runtime.agent.model.ModelRequest;
import dev.studio.runtime.agent.model.ModelResponse;
import java.util.UUID;

/**
 * The model as a linked run sees it: the org's model, called by the platform on the run's behalf.
 * The link has no model key and never sees one; the platform answers with the model's text and
 * tool calls only.
 */
final class RemoteModel implements ModelProvider {
  private final PlatformClient platform;
  private final String org;
  private final UUID run;
  private final int attempt;
  private final String label;

  RemoteModel(PlatformClient platform, String org, UUID run, int attempt, String label) {
    this.platform = platform;
    this.org = org;
    this.run = run;
    this.attempt = attempt;
    this.label = label;
  }

  @Override
  public String label() {
    return label;
  }

  @Override
  public ModelResponse complete(ModelRequest request, DeltaSink sink) throws InterruptedException {
    return platform.model(org, run, attempt, request, sink);
  }
}
