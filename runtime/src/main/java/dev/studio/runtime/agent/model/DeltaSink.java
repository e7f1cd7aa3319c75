package dev.studio.runtime.agent.model;

/** Receives text as the model produces it. */
@FunctionalInterface
public interface DeltaSink {
  void text(String delta);
}
