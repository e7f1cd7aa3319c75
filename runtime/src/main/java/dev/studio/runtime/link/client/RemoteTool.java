package dev.studio.runtime.link.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.runtime.agent.tools.Tool;
import dev.studio.runtime.agent.tools.ToolContext;
import dev.studio.runtime.agent.tools.ToolResult;

/**
 * A platform tool (an MCP connection's, or a built-in one) as a linked run calls it: by the
 * short-lived URL its work item signed for this run and tool. The platform calls it in-process,
 * with the credentials from its vault.
 */
final class RemoteTool implements Tool {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PlatformClient platform;
  private final JsonNode grant;

  /** {@code grant}: name, description, inputSchema, idempotent and url, as the work item has it. */
  RemoteTool(PlatformClient platform, JsonNode grant) {
    this.platform = platform;
    this.grant = grant;
  }

  @Override
  public String name() {
    return grant.path("name").asText();
  }

  @Override
  public String description() {
    return grant.path("description").asText("");
  }

  @Override
  public JsonNode inputSchema() {
    return grant.path("inputSchema");
  }

  @Override
  public boolean idempotent() {
    return grant.path("idempotent").asBoolean();
  }

  @Override
  public ToolResult execute(ToolContext context, JsonNode arguments) throws Exception {
    var body = JSON.createObjectNode().put("step", context.step());
    body.set("arguments", arguments);
    var answer = platform.tool(grant.path("url").asText(), body);
    return new ToolResult(answer.path("content").asText(""), answer.path("error").asBoolean());
  }
}
