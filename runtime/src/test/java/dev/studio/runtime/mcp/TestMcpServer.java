package dev.studio.runtime.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real MCP server on localhost, built with the SDK's server side over Streamable HTTP at
 * {@code /mcp}: the downstream the platform connects to in tests. Optionally it refuses requests
 * that lack a required header value (401), as a server guarding its tools with a key would. The
 * MCP benchmark uses it as its downstream too.
 *
 * <p>Tools: {@code add} (read-only), {@code greet}, {@code record} (a side effect, not idempotent)
 * and {@code fail} (answers a tool error).
 */
public final class TestMcpServer implements AutoCloseable {
  private static final JacksonMcpJsonMapper JSON = new JacksonMcpJsonMapper(new ObjectMapper());

  private final Server jetty;
  private final McpSyncServer mcp;
  /** Every value of the guarded header the server saw, to check what the platform sent. */
  final List<String> seenHeaderValues = new CopyOnWriteArrayList<>();
  final List<String> recorded = new CopyOnWriteArrayList<>();
  /** The session ids clients said goodbye to (DELETE), as a closed SDK client does. */
  final List<String> closedSessions = new CopyOnWriteArrayList<>();
  /** Every Authorization header the server saw, whatever it guards: to check what never reaches it. */
  final List<String> seenAuthorization = new CopyOnWriteArrayList<>();

  private TestMcpServer(String header, String required) throws Exception {
    var transport = HttpServletStreamableServerTransportProvider.builder().jsonMapper(JSON).mcpEndpoint("/mcp").build();
    mcp = McpServer.sync(transport).jsonMapper(JSON).serverInfo("test-downstream", "1.0")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
        .tools(add(), greet(), record(), fail())
        .build();
    jetty = new Server();
    var connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    var context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(transport), "/*");
    context.addFilter(new FilterHolder((request, response, chain) -> {
      var http = (HttpServletRequest) request;
      if ("DELETE".equals(http.getMethod()) && http.getHeader("Mcp-Session-Id") != null) {
        closedSessions.add(http.getHeader("Mcp-Session-Id"));
      }
      if (http.getHeader("Authorization") != null) {
        seenAuthorization.add(http.getHeader("Authorization"));
      }
      if (header != null) {
        String value = http.getHeader(header);
        if (value != null) {
          seenHeaderValues.add(value);
        }
        if (!required.equals(value)) {
          ((HttpServletResponse) response).sendError(401);
          return;
        }
      }
      chain.doFilter(request, response);
    }), "/*", EnumSet.of(DispatcherType.REQUEST));
    jetty.setHandler(context);
    jetty.start();
  }

  public static TestMcpServer open() throws Exception {
    return new TestMcpServer(null, null);
  }

  /** A server that answers 401 unless {@code header} is {@code value}. */
  public static TestMcpServer guarded(String header, String value) throws Exception {
    return new TestMcpServer(header, value);
  }

  public String url() {
    return "http://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort() + "/mcp";
  }

  /** Adds a tool at run time: connected clients are told the tool list changed. */
  void addTool(String name) {
    mcp.addTool(tool(name, "Added later.", new McpSchema.ToolAnnotations(null, true, false, true, false, null),
        (exchange, request) -> text(name + " ran")));
  }

  private McpServerFeatures.SyncToolSpecification add() {
    return tool("add", "Adds a and b.", new McpSchema.ToolAnnotations("Add", true, false, true, false, null), (exchange, request) -> {
      var args = request.arguments();
      long sum = ((Number) args.get("a")).longValue() + ((Number) args.get("b")).longValue();
      return text(Long.toString(sum));
    });
  }

  private McpServerFeatures.SyncToolSpecification greet() {
    return tool("greet", "Greets someone.", null, (exchange, request) -> text("hello, " + request.arguments().get("name")));
  }

  private McpServerFeatures.SyncToolSpecification record() {
    return tool("record", "Records a value (a side effect).", new McpSchema.ToolAnnotations(null, false, false, false, false, null),
        (exchange, request) -> {
          recorded.add(String.valueOf(request.arguments().get("value")));
          return text("recorded");
        });
  }

  private McpServerFeatures.SyncToolSpecification fail() {
    return tool("fail", "Always fails.", null, (exchange, request) -> McpSchema.CallToolResult.builder()
        .addContent(new McpSchema.TextContent("it failed on purpose")).isError(true).build());
  }

  private static McpServerFeatures.SyncToolSpecification tool(String name, String description, McpSchema.ToolAnnotations annotations,
      java.util.function.BiFunction<io.modelcontextprotocol.server.McpSyncServerExchange, McpSchema.CallToolRequest,
          McpSchema.CallToolResult> handler) {
    var schema = new McpSchema.JsonSchema("object", Map.of("a", Map.of("type", "number"), "b", Map.of("type", "number"),
        "name", Map.of("type", "string"), "value", Map.of("type", "string")), List.of(), null, null, null);
    var tool = McpSchema.Tool.builder().name(name).description(description).inputSchema(schema).annotations(annotations).build();
    return McpServerFeatures.SyncToolSpecification.builder().tool(tool).callHandler(handler).build();
  }

  private static McpSchema.CallToolResult text(String text) {
    return McpSchema.CallToolResult.builder().addContent(new McpSchema.TextContent(text)).isError(false).build();
  }

  @Override
  public void close() throws Exception {
    mcp.close();
    jetty.stop();
  }
}
