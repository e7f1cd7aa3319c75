package dev.studio.runtime.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/**
 * Where the agent loop records its steps, fenced by the run's attempt: PostgreSQL itself for a
 * hosted run ({@link StepJournal}); the platform over HTTP for a run on a linked desktop, which
 * writes the very same journal there.
 */
public interface StepLog {
  /** Records that a step starts; false if this attempt no longer owns the run. */
  boolean begin(UUID runId, int attempt, int step, Step.Kind kind, String toolName, String toolCallId, boolean idempotent,
      JsonNode input);

  /** Records a step's outcome; false if this attempt no longer owns the run. */
  boolean end(UUID runId, int attempt, int step, boolean ok, JsonNode output);
}
