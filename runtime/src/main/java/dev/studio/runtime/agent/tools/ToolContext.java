package dev.studio.runtime.agent.tools;

import java.util.UUID;

/** Where a tool call happens: the run, its thread and org, and the step of the journal. */
public record ToolContext(UUID orgId, UUID threadId, UUID runId, int step) {}
