package dev.studio.runtime.link;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.runtime.agent.tools.OrgTools;
import dev.studio.runtime.agent.tools.Tool;
import dev.studio.runtime.agent.tools.ToolRegistry;
import dev.studio.runtime.store.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The tools a linked run calls back on the platform: the built-in ones (they keep their data in
 * PostgreSQL) and the org's MCP connections' (their credentials stay in the vault). The sandbox
 * tools are not among them: the link runs those against its own local sandbox.
 */
final class PlatformTools {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ToolRegistry builtin;
  private final OrgTools orgTools;
  private final ToolUrls urls;

  PlatformTools(ToolRegistry builtin, OrgTools orgTools, ToolUrls urls) {
    this.builtin = builtin;
    this.orgTools = orgTools;
    this.urls = urls;
  }

  /** What the run's work item offers: each tool's spec, whether it is idempotent, and its signed URL. */
  List<ObjectNode> grants(String orgSlug, Run run) {
    List<ObjectNode> grants = new ArrayList<>();
    var tools = forOrg(run.orgId());
    for (var spec : tools.specs()) {
      var tool = tools.get(spec.name()).orElseThrow();
      var grant = JSON.createObjectNode().put("name", spec.name()).put("description", spec.description())
          .put("idempotent", tool.idempotent()).put("url", urls.path(orgSlug, run.id(), spec.name()));
      grant.set("inputSchema", spec.inputSchema());
      grants.add(grant);
    }
    return grants;
  }

  Optional<Tool> tool(UUID org, String name) {
    return forOrg(org).get(name);
  }

  boolean signed(UUID run, String tool, long expires, String signature) {
    return urls.valid(run, tool, expires, signature);
  }

  private ToolRegistry forOrg(UUID org) {
    return builtin.with(orgTools.forOrg(org));
  }
}
