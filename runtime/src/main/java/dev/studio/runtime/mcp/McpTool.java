package dev.studio.runtime.mcp;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.runtime.agent.tools.Tool;
import dev.studio.runtime.agent.tools.ToolContext;
import dev.studio.runtime.agent.tools.ToolResult;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A downstream's tool as the agent loop sees it, named {@code <connection>__<tool>} and called
 * in-process through the connection's SDK client (no hop through the platform's own /mcp routes).
 */
final class McpTool implements Tool {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> ARGUMENTS = new TypeReference<>() {};

  private final Connection connection;
  private final McpSchema.Tool tool;
  private final DownstreamClients clients;

  McpTool(Connection connection, McpSchema.Tool tool, DownstreamClients clients) {
    this.connection = connection;
    this.tool = tool;
    this.clients = clients;
  }

  @Override
  public String name() {
    return ToolNames.qualified(connection.name(), tool.name());
  }

  @Override
  public String description() {
    return tool.description() == null ? tool.name() + " of " + connection.name() : tool.description();
  }

  @Override
  public JsonNode inputSchema() {
    return tool.inputSchema() == null ? JSON.createObjectNode().put("type", "object") : JSON.valueToTree(tool.inputSchema());
  }

  /**
   * What the downstream declares: a read-only or idempotent tool may be repeated by recovery. The
   * hints are the downstream's word, which is all there is to go on; without them a call is
   * taken as a side effect.
   */
  @Override
  public boolean idempotent() {
    var hints = tool.annotations();
    return hints != null && (Boolean.TRUE.equals(hints.readOnlyHint()) || Boolean.TRUE.equals(hints.idempotentHint()));
  }

  @Override
  public ToolResult execute(ToolContext context, JsonNode arguments) {
    Map<String, Object> args = arguments != null && arguments.isObject() ? JSON.convertValue(arguments, ARGUMENTS) : Map.of();
    try {
      var result = clients.call(connection, tool.name(), args);
      String text = result.content() == null ? "" : result.content().stream().map(McpTool::text).collect(Collectors.joining("\n"));
      if (text.isEmpty() && result.structuredContent() != null) {
        text = JSON.valueToTree(result.structuredContent()).toString();
      }
      return Boolean.TRUE.equals(result.isError()) ? ToolResult.error(text) : ToolResult.ok(text);
    } catch (DownstreamException e) {
      return ToolResult.error(e.getMessage());
    }
  }

  private static String text(McpSchema.Content content) {
    return content instanceof McpSchema.TextContent text ? text.text() : JSON.valueToTree(content).toString();
  }
}
