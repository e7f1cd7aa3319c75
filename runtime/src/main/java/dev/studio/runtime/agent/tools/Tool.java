package dev.studio.runtime.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.studio.runtime.agent.model.ToolSpec;

/** A tool the agent can call. */
public interface Tool {
  String name();

  String description();

  /** JSON schema of the arguments (an object schema). */
  JsonNode inputSchema();

  /**
   * True if calling it twice with the same arguments does no more than calling it once. Recovery
   * repeats only such calls; a lost worker's run in the middle of any other ends interrupted.
   */
  boolean idempotent();

  ToolResult execute(ToolContext context, JsonNode arguments) throws Exception;

  default ToolSpec spec() {
    return new ToolSpec(name(), description(), inputSchema());
  }
}
