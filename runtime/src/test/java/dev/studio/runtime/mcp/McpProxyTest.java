package dev.studio.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.studio.runtime.Role;
import dev.studio.runtime.StudioRuntime;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The /mcp routes with the SDK's own client standing in for the IDE and SDK servers on localhost as
 * the downstreams: tools listed and called through one connection and through a virtual MCP, the
 * org's token checked, the audit written, and a downstream that is down or hangs answered with a
 * JSON-RPC error in bounded time. The downstream credential never reaches a response or the log.
 */
class McpProxyTest {
  static final String SECRET = "downstream-secret-" + System.nanoTime();
  static final ByteArrayOutputStream log = new ByteArrayOutputStream();
  static PrintStream originalErr;
  static Platform platform;
  static StudioRuntime runtime;
  static Api admin;
  static Api api;
  static String org;
  static String token;
  static TestMcpServer tracker;
  static TestMcpServer wiki;
  static final List<McpSyncClient> ides = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    // slf4j-simple writes to whatever System.err is at the time: a tee keeps the whole log to search.
    originalErr = System.err;
    System.setErr(new PrintStream(new Tee(originalErr, log), true, StandardCharsets.UTF_8));
    platform = Platform.create();
    runtime = platform.start(Role.api);
    admin = platform.admin(runtime);
    org = Platform.org(admin);
    token = Platform.token(admin, org, "paid");
    api = admin.as(token);
    tracker = TestMcpServer.guarded("Authorization", "Bearer " + SECRET);
    wiki = TestMcpServer.guarded("X-Wiki-Key", SECRET);
  }

  @AfterAll
  static void stop() throws Exception {
    ides.forEach(McpSyncClient::close);
    tracker.close();
    wiki.close();
    platform.close();
    System.setErr(originalErr);
  }

  static String connection(String name, String url, Map<String, Object> auth) {
    var body = new java.util.HashMap<String, Object>(Map.of("name", name, "url", url));
    if (auth != null) {
      body.put("auth", auth);
    }
    var created = api.post("/api/" + org + "/connections", body);
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    assertThat(created.text()).doesNotContain(SECRET);
    return created.at("/id");
  }

  static McpSyncClient ide(String path, String bearer) {
    var transport = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + runtime.port()).endpoint(path)
        .customizeRequest(request -> request.header("Authorization", "Bearer " + bearer)).build();
    var client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(15)).build();
    ides.add(client);
    return client;
  }

  static String text(McpSchema.CallToolResult result) {
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  @Test
  void anIdeListsAndCallsAConnectionsToolsWithTheVaultsCredentials() {
    String id = connection("tracker", tracker.url(), Map.of("type", "bearer", "token", SECRET));
    var ide = ide("/mcp/" + id, token);
    var init = ide.initialize();
    assertThat(init.capabilities().tools()).isNotNull();

    var tools = ide.listTools().tools();
    assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyInAnyOrder("add", "greet", "record", "fail");
    assertThat(tools).filteredOn(t -> t.name().equals("add")).first().extracting(t -> t.annotations().readOnlyHint()).isEqualTo(true);

    var sum = ide.callTool(new McpSchema.CallToolRequest("add", Map.of("a", 2, "b", 40)));
    assertThat(text(sum)).isEqualTo("42");
    var failed = ide.callTool(new McpSchema.CallToolRequest("fail", Map.of()));
    assertThat(failed.isError()).isTrue();
    assertThat(text(failed)).isEqualTo("it failed on purpose");
    assertThat(tracker.seenHeaderValues).isNotEmpty().allMatch(("Bearer " + SECRET)::equals);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(audit(id)).containsExactlyInAnyOrder("add:ok", "fail:tool_error"));
    assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain(SECRET);
  }

  @Test
  void aVirtualMcpAggregatesConnectionsUnderNamespacedNames() {
    String alpha = connection("alpha", tracker.url(), Map.of("type", "bearer", "token", SECRET));
    String beta = connection("beta", wiki.url(), Map.of("type", "header", "header", "X-Wiki-Key", "value", SECRET));
    String down = connection("gone", "http://127.0.0.1:1/mcp", null);
    var created = api.post("/api/" + org + "/virtual-mcps", Map.of("name", "everything", "connections", List.of(alpha, beta, down)));
    assertThat(created.status()).isEqualTo(201);
    String virtual = created.at("/id");
    assertThat(api.get("/api/" + org + "/virtual-mcps/" + virtual).json().get("connections")).hasSize(3);

    var ide = ide("/mcp/virtual-mcp/" + virtual, token);
    ide.initialize();
    var names = ide.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    assertThat(names).contains("alpha__add", "alpha__greet", "beta__add", "beta__greet").noneMatch(n -> n.startsWith("gone__"));
    assertThat(text(ide.callTool(new McpSchema.CallToolRequest("beta__greet", Map.of("name", "ada"))))).isEqualTo("hello, ada");
    assertThat(text(ide.callTool(new McpSchema.CallToolRequest("alpha__add", Map.of("a", 1, "b", 1))))).isEqualTo("2");
    assertThatThrownBy(() -> ide.callTool(new McpSchema.CallToolRequest("nobody__add", Map.of()))).isInstanceOf(McpError.class)
        .hasMessageContaining("no tool named nobody__add");

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(auditOfVirtual(virtual)).containsExactlyInAnyOrder("greet:ok", "add:ok"));
    assertThat(api.delete("/api/" + org + "/virtual-mcps/" + virtual).status()).isEqualTo(204);
    assertThat(admin.as(token).postRaw("/mcp/virtual-mcp/" + virtual, "{}").status()).isEqualTo(404);
  }

  @Test
  void aTokenOfAnotherOrgIsRefused() {
    String id = connection("mine", tracker.url(), Map.of("type", "bearer", "token", SECRET));
    String other = Platform.org(admin);
    String otherToken = Platform.token(admin, other, "paid");
    var request = "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/list\"}";
    assertThat(api.as(otherToken).postRaw("/mcp/" + id, request).status()).isEqualTo(403);
    assertThat(api.as("sta_not_a_token").postRaw("/mcp/" + id, request).status()).isEqualTo(401);
    assertThatThrownBy(() -> ide("/mcp/" + id, otherToken).initialize()).isInstanceOf(RuntimeException.class);
    String virtual = api.post("/api/" + org + "/virtual-mcps", Map.of("name", "v", "connections", List.of(id))).at("/id");
    assertThat(api.as(otherToken).postRaw("/mcp/virtual-mcp/" + virtual, request).status()).isEqualTo(403);
    // Nor can another org aggregate this org's connection.
    var stolen = api.as(admin.token()).post("/api/" + other + "/virtual-mcps", Map.of("name", "v", "connections", List.of(id)));
    assertThat(stolen.status()).isEqualTo(400);
    assertThat(stolen.at("/error/details/field")).isEqualTo("connections");
  }

  @Test
  void aDownstreamThatIsDownGivesAJsonRpcErrorAtOnce() {
    String id = connection("offline", "http://127.0.0.1:1/mcp", null);
    long start = System.nanoTime();
    assertThatThrownBy(() -> ide("/mcp/" + id, token).initialize()).hasStackTraceContaining("downstream offline is unreachable");
    var call = api.postRaw("/mcp/" + id, "{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": \"tools/call\", \"params\": {\"name\": \"add\"}}");
    assertThat(call.status()).isEqualTo(200);
    assertThat(call.json().get("id").asInt()).isEqualTo(7);
    assertThat(call.at("/error/message")).contains("offline").contains("unreachable");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(audit(id)).containsExactly("add:failed"));
  }

  @Test
  void aDownstreamThatHangsGivesAJsonRpcErrorWithinItsTimeout() throws Exception {
    try (var hanging = new ServerSocket(0)) {
      var held = new CopyOnWriteArrayList<Socket>();
      Thread.ofVirtual().start(() -> {
        while (!hanging.isClosed()) {
          try {
            held.add(hanging.accept()); // read nothing, answer nothing
          } catch (java.io.IOException e) {
            return;
          }
        }
      });
      String id = api.post("/api/" + org + "/connections", Map.of("name", "stuck", "url",
          "http://127.0.0.1:" + hanging.getLocalPort() + "/mcp", "timeoutMs", 1000)).at("/id");
      long start = System.nanoTime();
      assertThatThrownBy(() -> ide("/mcp/" + id, token).initialize()).hasStackTraceContaining("did not answer within 1000 ms");
      var call = api.postRaw("/mcp/" + id, "{\"jsonrpc\": \"2.0\", \"id\": \"c1\", \"method\": \"tools/call\", \"params\": {\"name\": \"add\"}}");
      assertThat(call.status()).isEqualTo(200);
      assertThat(call.at("/id")).isEqualTo("c1");
      assertThat(call.at("/error/message")).contains("stuck").contains("did not answer within 1000 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(audit(id)).containsExactly("add:failed"));
      for (var socket : held) {
        socket.close();
      }
    }
  }

  @Test
  void theDownstreamsSessionAndStreamPassThroughAndTheOrgTokenNeverReachesIt() {
    String id = connection("wiki", wiki.url(), Map.of("type", "header", "header", "X-Wiki-Key", "value", SECRET));
    var mcp = Map.of("Accept", "application/json, text/event-stream", "Content-Type", "application/json",
        "MCP-Protocol-Version", "2025-06-18");
    var init = api.send("POST", "/mcp/" + id, ("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"initialize\", \"params\": "
        + "{\"protocolVersion\": \"2025-06-18\", \"capabilities\": {}, \"clientInfo\": {\"name\": \"raw\", \"version\": \"1\"}}}")
        .getBytes(StandardCharsets.UTF_8), mcp);
    assertThat(init.status()).as(init.text()).isEqualTo(200);
    assertThat(init.text()).contains("test-downstream"); // the downstream's own serverInfo: not answered by the platform
    String session = init.header("Mcp-Session-Id");
    assertThat(session).isNotBlank();

    var withSession = new java.util.HashMap<>(mcp);
    withSession.put("Mcp-Session-Id", session);
    var call = api.send("POST", "/mcp/" + id, "{\"jsonrpc\": \"2.0\", \"id\": 2, \"method\": \"tools/call\", \"params\": {\"name\": \"greet\", \"arguments\": {\"name\": \"raw\"}}}"
        .getBytes(StandardCharsets.UTF_8), withSession);
    assertThat(call.status()).isEqualTo(200);
    assertThat(call.text()).contains("hello, raw");
    if (call.header("Content-Type").startsWith("text/event-stream")) {
      assertThat(call.text()).contains("data:");
    }
    var bogus = new java.util.HashMap<>(mcp);
    bogus.put("Mcp-Session-Id", "not-a-session");
    assertThat(api.send("POST", "/mcp/" + id, "{\"jsonrpc\": \"2.0\", \"id\": 3, \"method\": \"tools/list\"}"
        .getBytes(StandardCharsets.UTF_8), bogus).status()).as("the downstream's own answer to an unknown session").isIn(400, 404);
    assertThat(wiki.seenAuthorization).noneMatch(value -> value.contains(token));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(audit(id)).containsExactly("greet:ok"));
  }

  @Test
  void anSseAnswerIsPassedOnEventByEventNotHeldBack() throws Exception {
    // A downstream that sends a progress notification, then waits until the IDE has it before it answers.
    var seenFirst = new java.util.concurrent.CountDownLatch(1);
    var downstream = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    downstream.createContext("/mcp", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      var out = exchange.getResponseBody();
      out.write(("event: message\ndata: {\"jsonrpc\": \"2.0\", \"method\": \"notifications/progress\", \"params\": "
          + "{\"progressToken\": 1, \"progress\": 1}}\n\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      try {
        seenFirst.await(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.write(("event: message\ndata: {\"jsonrpc\": \"2.0\", \"id\": 9, \"result\": {\"content\": [], \"isError\": false}}\n\n")
          .getBytes(StandardCharsets.UTF_8));
      exchange.close();
    });
    downstream.start();
    try {
      String id = connection("slowstream", "http://127.0.0.1:" + downstream.getAddress().getPort() + "/mcp", null);
      var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.base() + "/mcp/" + id))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .header("Accept", "application/json, text/event-stream")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
              "{\"jsonrpc\": \"2.0\", \"id\": 9, \"method\": \"tools/call\", \"params\": {\"name\": \"slow\"}}")).build();
      long start = System.nanoTime();
      var response = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofLines());
      assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
      var lines = response.body().iterator();
      var received = new java.util.ArrayList<String>();
      while (lines.hasNext()) {
        String line = lines.next();
        received.add(line);
        if (line.contains("notifications/progress")) {
          // Had the platform buffered the stream, this would come only after the downstream gave up waiting (5 s).
          assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
          seenFirst.countDown();
        }
      }
      assertThat(String.join("\n", received)).contains("notifications/progress").contains("\"id\": 9");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(audit(id)).containsExactly("slow:ok"));
    } finally {
      downstream.stop(0);
    }
  }

  @Test
  void aDownstreamRefusingTheVaultsCredentialIsAJsonRpcErrorNotA401() {
    String id = connection("wrongkey", tracker.url(), Map.of("type", "bearer", "token", "not-the-secret"));
    var call = api.postRaw("/mcp/" + id, "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/call\", \"params\": {\"name\": \"add\"}}");
    assertThat(call.status()).isEqualTo(200);
    assertThat(call.at("/error/message")).contains("wrongkey").contains("refused the platform's credentials (HTTP 401)");
    assertThat(call.text()).doesNotContain("not-the-secret");
  }

  @Test
  void a401NamesTheProtectedResourceMetadataWhichIsPublic() {
    String id = connection("described", tracker.url(), Map.of("type", "bearer", "token", SECRET));
    var anonymous = new dev.studio.runtime.testing.Api(api.base(), null);
    var refused = anonymous.send("POST", "/mcp/" + id, "{}".getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json"));
    assertThat(refused.status()).isEqualTo(401);
    String challenge = refused.header("WWW-Authenticate");
    String publicUrl = runtime.config().publicUrl().replaceAll("/$", "");
    assertThat(challenge).isEqualTo("Bearer resource_metadata=\"" + publicUrl + "/.well-known/oauth-protected-resource/mcp/" + id + "\"");
    assertThat(api.as("sta_not_a_token").postRaw("/mcp/" + id, "{}").header("WWW-Authenticate"))
        .contains("error=\"invalid_token\"").contains("resource_metadata=");

    var metadata = anonymous.get("/.well-known/oauth-protected-resource/mcp/" + id);
    assertThat(metadata.status()).isEqualTo(200);
    assertThat(metadata.at("/resource")).isEqualTo(publicUrl + "/mcp/" + id);
    assertThat(metadata.json().get("authorization_servers")).isNotEmpty();
    assertThat(metadata.json().get("bearer_methods_supported").toString()).isEqualTo("[\"header\"]");
    assertThat(metadata.json().get("scopes_supported")).isNotEmpty();
    var root = anonymous.get("/.well-known/oauth-protected-resource");
    assertThat(root.status()).isEqualTo(200);
    assertThat(root.at("/resource")).isEqualTo(publicUrl + "/mcp");
    assertThat(anonymous.get("/.well-known/oauth-protected-resource/mcp/virtual-mcp/" + id).at("/resource"))
        .isEqualTo(publicUrl + "/mcp/virtual-mcp/" + id);
  }

  static List<String> audit(String connection) {
    return runtime.datastores().postgres().jdbi().withHandle(h -> h.createQuery(
        "select tool || ':' || outcome from mcp_audit where connection_id = cast(? as uuid) and token_id is not null")
        .bind(0, connection).mapTo(String.class).list());
  }

  static List<String> auditOfVirtual(String virtual) {
    return runtime.datastores().postgres().jdbi().withHandle(h -> h.createQuery(
        "select tool || ':' || outcome from mcp_audit where virtual_id = cast(? as uuid)").bind(0, virtual).mapTo(String.class).list());
  }

  /** Writes to two streams. */
  static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      synchronized (b) {
        b.write(c);
      }
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws java.io.IOException {
      a.write(bytes, off, len);
      synchronized (b) {
        b.write(bytes, off, len);
      }
    }
  }
}
