package dev.studio.runtime.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.runtime.auth.Authenticator;
import dev.studio.runtime.auth.Principal;
import dev.studio.runtime.http.ApiException;
import dev.studio.runtime.http.Ids;
import dev.studio.runtime.http.RouteGroup;
import dev.studio.runtime.mcp.ToolAudit.Outcome;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /mcp/{connectionId}} and {@code /mcp/virtual-mcp/{id}}: MCP over Streamable HTTP for
 * external clients (IDEs), with the org's Bearer token; the downstream's credentials come from the
 * vault and the IDE never sees them.
 *
 * <p>A single connection is forwarded at the HTTP level: the downstream's session, its SSE streams
 * and its answers reach the IDE as they are ({@link McpForwarder}). A virtual MCP aggregates
 * several downstreams, so the platform is the MCP server there: stateless, answering each JSON-RPC
 * request with {@code application/json} and calling the downstreams through their SDK clients;
 * its {@code GET} (the optional server-to-client stream) answers 405 as the transport allows.
 *
 * <p>Either way a downstream that fails or is too slow becomes a JSON-RPC error in a 200 answer,
 * never an HTTP 500 or a hang, and every tools/call leaves an audit row. A 401 names the RFC 9728
 * metadata of the resource, so an MCP client can find out how to get a token.
 */
final class McpProxyRoutes implements RouteGroup {
  private static final Logger log = LoggerFactory.getLogger(McpProxyRoutes.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> ARGUMENTS = new TypeReference<>() {};
  /** Newest first: an unknown requested version is answered with the newest, as the spec says. */
  private static final List<String> PROTOCOL_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");
  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int METHOD_NOT_FOUND = -32601;
  static final int INVALID_PARAMS = -32602;

  private final Authenticator authenticator;
  private final ConnectionStore connections;
  private final VirtualMcpStore virtuals;
  private final DownstreamClients clients;
  private final ToolAudit audit;
  private final ConnectionCache cache;
  private final McpForwarder forwarder;
  private final ProtectedResource metadata;

  McpProxyRoutes(Authenticator authenticator, ConnectionStore connections, VirtualMcpStore virtuals, DownstreamClients clients,
      ToolAudit audit, ConnectionCache cache, McpForwarder forwarder, ProtectedResource metadata) {
    this.authenticator = authenticator;
    this.connections = connections;
    this.virtuals = virtuals;
    this.clients = clients;
    this.audit = audit;
    this.cache = cache;
    this.forwarder = forwarder;
    this.metadata = metadata;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/mcp/virtual-mcp/{id}", ctx -> {
      var principal = principal(ctx);
      UUID id = Ids.parse("virtual MCP", ctx.pathParam("id"));
      var virtual = virtuals.find(id).orElseThrow(() -> ApiException.notFound("virtual MCP", id.toString()));
      check(principal, virtual.orgId());
      // The members from the forwarder's cache: one query per member per call otherwise.
      var members = virtual.connections().stream().map(cache::find).flatMap(java.util.Optional::stream)
          .map(ConnectionStore.Opened::connection).toList();
      serve(ctx, principal, new McpEndpoint(virtual.orgId(), virtual.id(), virtual.name(), members));
    });
    routes.get("/mcp/virtual-mcp/{id}", ctx -> ctx.status(405).header("Allow", "POST"));
    routes.delete("/mcp/virtual-mcp/{id}", ctx -> ctx.status(405).header("Allow", "POST"));
    routes.post("/mcp/{connectionId}", ctx -> forward(ctx, "POST"));
    routes.get("/mcp/{connectionId}", ctx -> forward(ctx, "GET"));
    routes.delete("/mcp/{connectionId}", ctx -> forward(ctx, "DELETE"));
  }

  /**
   * One connection: the exchange is forwarded as it is ({@link McpForwarder}). The org's token is
   * checked before anything reaches the downstream; only the envelope of the body is read, to
   * answer errors under the request's id and to audit tools/call.
   */
  private void forward(Context ctx, String method) {
    var principal = principal(ctx);
    UUID id = Ids.parse("connection", ctx.pathParam("connectionId"));
    var opened = cache.find(id).orElseThrow(() -> ApiException.notFound("connection", id.toString()));
    var connection = opened.connection();
    check(principal, connection.orgId());
    byte[] body = null;
    JsonRpc.Envelope envelope = null;
    if ("POST".equals(method)) {
      body = ctx.bodyAsBytes();
      try {
        envelope = JsonRpc.envelope(body);
      } catch (JsonRpc.Malformed e) {
        answer(ctx.status(400), error(null, e.code, e.getMessage()));
        return;
      }
    }
    long start = System.nanoTime();
    Outcome outcome = Outcome.failed;
    try {
      var usable = cache.usable(opened);
      outcome = forwarder.forward(ctx, usable.connection(), usable.credentials(), method, body, envelope);
    } catch (DownstreamException e) {
      if (envelope == null || !envelope.expectsAnswer()) {
        throw ConnectionRoutes.downstream(e);
      }
      // A JSON-RPC request gets its answer as JSON-RPC, so the IDE shows the message.
      answer(ctx.status(200), error(envelope.id(), e.code(), e.getMessage()));
    } finally {
      if (envelope != null && envelope.isToolCall()) {
        audit.record(new ToolAudit.Entry(connection.orgId(), principal.tokenId(), connection.id(), null,
            Objects.requireNonNullElse(envelope.tool(), ""), outcome, (System.nanoTime() - start) / 1_000_000));
      }
    }
  }

  private Principal principal(Context ctx) {
    String header = ctx.header("Authorization");
    String metadataUrl = metadata.metadataUrl(ctx.path());
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.header("WWW-Authenticate", "Bearer resource_metadata=\"" + metadataUrl + "\"");
      throw ApiException.unauthorized("send the org's API token: Authorization: Bearer <token>");
    }
    return authenticator.authenticate(header.substring(7).trim()).orElseThrow(() -> {
      ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\", resource_metadata=\"" + metadataUrl + "\"");
      return ApiException.unauthorized("the token is not valid (unknown, malformed or revoked)");
    });
  }

  private static void check(Principal principal, UUID org) {
    if (!principal.mayAccess(org)) {
      throw ApiException.forbidden("the token belongs to another org");
    }
  }

  private void serve(Context ctx, Principal principal, McpEndpoint endpoint) {
    JsonNode request;
    try {
      request = JSON.readTree(ctx.bodyAsBytes());
    } catch (java.io.IOException e) {
      answer(ctx.status(400), error(null, PARSE_ERROR, "the body is not valid JSON"));
      return;
    }
    if (request == null || !request.isObject()) {
      answer(ctx.status(400), error(null, INVALID_REQUEST, "send one JSON-RPC message as an object (batches are not supported)"));
      return;
    }
    JsonNode id = request.get("id");
    String method = request.path("method").asText("");
    if (id == null || id.isNull() || method.isEmpty()) {
      // A notification, or a response to a request we never send: accepted, nothing to answer.
      ctx.status(202);
      return;
    }
    JsonNode params = request.path("params");
    answer(ctx, switch (method) {
      case "initialize" -> result(id, initialize(endpoint, params));
      case "ping" -> result(id, JSON.createObjectNode());
      case "tools/list" -> listTools(id, endpoint);
      case "tools/call" -> callTool(id, endpoint, principal, params);
      default -> error(id, METHOD_NOT_FOUND, "method " + method + " is not served here (only initialize, ping, tools/list, tools/call)");
    });
  }

  private static ObjectNode initialize(McpEndpoint endpoint, JsonNode params) {
    String requested = params.path("protocolVersion").asText("");
    var result = JSON.createObjectNode();
    result.put("protocolVersion", PROTOCOL_VERSIONS.contains(requested) ? requested : PROTOCOL_VERSIONS.get(0));
    result.putObject("capabilities").putObject("tools").put("listChanged", false);
    result.putObject("serverInfo").put("name", endpoint.name()).put("version", "1");
    return result;
  }

  private ObjectNode listTools(JsonNode id, McpEndpoint endpoint) {
    ArrayNode tools = JSON.createArrayNode();
    for (Connection connection : endpoint.connections()) {
      try {
        for (McpSchema.Tool tool : clients.tools(connection)) {
          ObjectNode json = JSON.valueToTree(tool);
          if (endpoint.namespaced()) {
            json.put("name", ToolNames.qualified(connection.name(), tool.name()));
          }
          tools.add(json);
        }
      } catch (DownstreamException e) {
        if (!endpoint.namespaced()) {
          return error(id, e.code(), e.getMessage());
        }
        // One downstream down does not take the others' tools away from a virtual MCP.
        log.warn("virtual MCP {}: {}", endpoint.virtualId(), e.getMessage());
      }
    }
    var result = JSON.createObjectNode();
    result.set("tools", tools);
    return result(id, result);
  }

  private ObjectNode callTool(JsonNode id, McpEndpoint endpoint, Principal principal, JsonNode params) {
    String name = params.path("name").asText("");
    if (name.isEmpty()) {
      return error(id, INVALID_PARAMS, "params.name is required");
    }
    var target = endpoint.resolve(name);
    if (target == null) {
      return error(id, INVALID_PARAMS, "there is no tool named " + name + " (tools are named <connection>__<tool>)");
    }
    Map<String, Object> arguments = params.path("arguments").isObject() ? JSON.convertValue(params.get("arguments"), ARGUMENTS) : Map.of();
    long start = System.nanoTime();
    Outcome outcome = Outcome.failed;
    try {
      var result = clients.call(target.connection(), target.tool(), arguments);
      outcome = Boolean.TRUE.equals(result.isError()) ? Outcome.tool_error : Outcome.ok;
      return result(id, JSON.valueToTree(result));
    } catch (DownstreamException e) {
      return error(id, e.code(), e.getMessage());
    } finally {
      audit.record(new ToolAudit.Entry(endpoint.orgId(), principal.tokenId(), target.connection().id(), endpoint.virtualId(),
          target.tool(), outcome, (System.nanoTime() - start) / 1_000_000));
    }
  }

  private static ObjectNode result(JsonNode id, JsonNode result) {
    var response = JSON.createObjectNode().put("jsonrpc", "2.0");
    response.set("id", id);
    response.set("result", result);
    return response;
  }

  private static ObjectNode error(JsonNode id, int code, String message) {
    var response = JSON.createObjectNode().put("jsonrpc", "2.0");
    response.set("id", id == null ? JSON.nullNode() : id);
    response.putObject("error").put("code", code).put("message", Objects.requireNonNullElse(message, "error"));
    return response;
  }

  private static void answer(Context ctx, ObjectNode response) {
    try {
      ctx.contentType("application/json").result(JSON.writeValueAsBytes(response));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON-RPC answer does not serialize", e);
    }
  }
}
