package dev.studio.runtime.mcp;

import java.util.List;
import java.util.UUID;

/**
 * What one {@code /mcp} URL serves: a single connection's tools under their own names, or a
 * virtual MCP's (then {@code virtualId} is set) under {@code <connection>__<tool>}.
 */
record McpEndpoint(UUID orgId, UUID virtualId, String name, List<Connection> connections) {
  boolean namespaced() {
    return virtualId != null;
  }

  /** The connection and its own tool name a called name means, or null if none. */
  Target resolve(String name) {
    if (!namespaced()) {
      return new Target(connections.get(0), name);
    }
    String[] parts = ToolNames.split(name);
    if (parts == null) {
      return null;
    }
    return connections.stream().filter(c -> c.name().equals(parts[0])).findFirst().map(c -> new Target(c, parts[1])).orElse(null);
  }

  record Target(Connection connection, String tool) {}
}
