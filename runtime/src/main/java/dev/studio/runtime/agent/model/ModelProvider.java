package dev.studio.runtime.agent.model;

/** A model: one call streams text to the sink and returns the whole answer. */
public interface ModelProvider {
  /** Provider and model, e.g. {@code anthropic/claude-sonnet-4-5}, for logs and run details. */
  String label();

  ModelResponse complete(ModelRequest request, DeltaSink sink) throws InterruptedException;
}
