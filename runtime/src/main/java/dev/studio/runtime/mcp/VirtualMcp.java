package dev.studio.runtime.mcp;

import java.util.List;
import java.util.UUID;

/** One MCP server over several connections of an org, their tools named {@code <connection>__<tool>}. */
record VirtualMcp(UUID id, UUID orgId, String name, List<UUID> connections) {}
