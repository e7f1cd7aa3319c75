package dev.studio.runtime.agent.tools;

import java.util.List;
import java.util.UUID;

/**
 * Tools that depend on the run's org (its MCP connections): looked up when a run starts, beside
 * the fixed tools of the registry.
 */
@FunctionalInterface
public interface OrgTools {
  OrgTools NONE = org -> List.of();

  List<Tool> forOrg(UUID org);
}
