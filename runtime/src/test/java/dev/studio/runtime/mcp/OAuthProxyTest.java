package dev.studio.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.studio.runtime.Role;
import dev.studio.runtime.StudioRuntime;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /oauth-proxy: a user authorizes the platform at a real (small) OAuth authorization server on
 * localhost, which checks PKCE as a real one does; the tokens land sealed on the connection, and a
 * tools/call through /mcp/{id} then reaches a downstream that takes only the issued token.
 */
class OAuthProxyTest {
  static final String CLIENT_SECRET = "client-secret-" + System.nanoTime();
  static final String ACCESS = "issued-access-" + System.nanoTime();
  static final String REFRESH = "issued-refresh-" + System.nanoTime();
  static Platform platform;
  static StudioRuntime runtime;
  static Api admin;
  static Api api;
  static String org;
  static HttpServer authServer;
  /** code → {challenge, redirect_uri} as the authorization server keeps them. */
  static final Map<String, Map<String, String>> codes = new ConcurrentHashMap<>();
  static final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
  static final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void start() throws Exception {
    platform = Platform.create();
    runtime = platform.start(Role.api);
    admin = platform.admin(runtime);
    org = Platform.org(admin);
    api = admin.as(Platform.token(admin, org, "paid"));
    authServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    authServer.createContext("/authorize", exchange -> {
      var query = form(exchange.getRequestURI().getRawQuery());
      if (!"code".equals(query.get("response_type")) || !"studio".equals(query.get("client_id"))
          || !"S256".equals(query.get("code_challenge_method")) || query.get("code_challenge") == null) {
        answer(exchange, 400, "{\"error\": \"invalid_request\"}");
        return;
      }
      String code = "code-" + System.nanoTime();
      codes.put(code, Map.of("challenge", query.get("code_challenge"), "redirect_uri", query.get("redirect_uri")));
      exchange.getResponseHeaders().add("Location", query.get("redirect_uri") + "?code=" + code + "&state="
          + java.net.URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(302, -1);
      exchange.close();
    });
    authServer.createContext("/token", exchange -> {
      var form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      tokenRequests.add(form);
      var issued = codes.remove(form.getOrDefault("code", ""));
      boolean ok = issued != null && "authorization_code".equals(form.get("grant_type")) && CLIENT_SECRET.equals(form.get("client_secret"))
          && issued.get("redirect_uri").equals(form.get("redirect_uri")) && issued.get("challenge").equals(s256(form.get("code_verifier")));
      answer(exchange, ok ? 200 : 400, ok ? "{\"access_token\": \"" + ACCESS + "\", \"refresh_token\": \"" + REFRESH
          + "\", \"expires_in\": 3600, \"token_type\": \"Bearer\"}" : "{\"error\": \"invalid_grant\"}");
    });
    authServer.start();
  }

  @AfterAll
  static void stop() {
    authServer.stop(0);
    platform.close();
  }

  static String authBase() {
    return "http://127.0.0.1:" + authServer.getAddress().getPort();
  }

  static String oauthConnection(String name, String url) {
    var created = api.post("/api/" + org + "/connections", Map.of("name", name, "url", url, "auth", Map.of("type", "oauth",
        "authorizeUrl", authBase() + "/authorize", "tokenUrl", authBase() + "/token", "clientId", "studio",
        "clientSecret", CLIENT_SECRET, "scopes", "tools:read tools:call")));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    assertThat(created.text()).doesNotContain(CLIENT_SECRET);
    return created.at("/id");
  }

  /** The user's browser: the platform's redirect, the authorization server's, and the query it sends back. */
  static String authorize(String id) throws Exception {
    var toServer = api.get("/oauth-proxy/" + id + "/authorize");
    assertThat(toServer.status()).as(toServer.text()).isEqualTo(302);
    String location = toServer.header("Location");
    assertThat(location).startsWith(authBase() + "/authorize?").doesNotContain(CLIENT_SECRET);
    var query = form(URI.create(location).getRawQuery());
    assertThat(query.get("redirect_uri")).endsWith("/oauth-proxy/" + id + "/callback");
    assertThat(query.get("scope")).isEqualTo("tools:read tools:call");
    assertThat(query.get("code_challenge_method")).isEqualTo("S256");
    var back = browser.send(HttpRequest.newBuilder(URI.create(location)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(back.statusCode()).isEqualTo(302);
    // The redirect URI is on the public URL; the test reaches the same route on the runtime's port.
    return URI.create(back.headers().firstValue("Location").orElseThrow()).getRawQuery();
  }

  @Test
  void aUserAuthorizesAConnectionAndItsToolsAreThenCalledWithTheIssuedToken() throws Exception {
    try (var downstream = TestMcpServer.guarded("Authorization", "Bearer " + ACCESS)) {
      String id = oauthConnection("oauthed", downstream.url());
      String call = "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/call\", \"params\": {\"name\": \"add\"}}";
      assertThat(api.postRaw("/mcp/" + id, call).at("/error/message")).contains("not connected yet")
          .contains("/oauth-proxy/" + id + "/authorize");

      String callback = "/oauth-proxy/" + id + "/callback?" + authorize(id);
      var connected = new Api(api.base(), null).send("GET", callback, null, Map.of("Accept", "application/json"));
      assertThat(connected.status()).as(connected.text()).isEqualTo(200);
      assertThat(connected.json().get("connected").asBoolean()).isTrue();
      assertThat(connected.at("/connection/name")).isEqualTo("oauthed");
      assertThat(tokenRequests.get(tokenRequests.size() - 1)).containsEntry("grant_type", "authorization_code")
          .containsKey("code_verifier");

      var replayed = new Api(api.base(), null).get(callback);
      assertThat(replayed.status()).isEqualTo(400);
      assertThat(replayed.at("/error/code")).isEqualTo("invalid_state");

      var transport = HttpClientStreamableHttpTransport.builder(api.base()).endpoint("/mcp/" + id)
          .customizeRequest(request -> request.header("Authorization", "Bearer " + api.token())).build();
      try (var ide = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(15)).build()) {
        ide.initialize();
        var sum = ide.callTool(new McpSchema.CallToolRequest("add", Map.of("a", 40, "b", 2)));
        assertThat(((McpSchema.TextContent) sum.content().get(0)).text()).isEqualTo("42");
      }
      assertThat(downstream.seenHeaderValues).contains("Bearer " + ACCESS);

      String sealed = runtime.datastores().postgres().jdbi().withHandle(h -> h.createQuery(
          "select sealed_auth from mcp_connections where id = cast(? as uuid)").bind(0, id).mapTo(String.class).one());
      assertThat(sealed).doesNotContain(ACCESS).doesNotContain(REFRESH);
      String shown = api.get("/api/" + org + "/connections/" + id).text() + connected.text() + replayed.text();
      for (String secret : List.of(ACCESS, REFRESH, CLIENT_SECRET)) {
        assertThat(shown).doesNotContain(secret);
      }
    }
  }

  @Test
  void aForgedOrForeignStateIsRefused() throws Exception {
    String first = oauthConnection("first", "http://127.0.0.1:1/mcp");
    String second = oauthConnection("second", "http://127.0.0.1:1/mcp");
    var anonymous = new Api(api.base(), null);
    var forged = anonymous.get("/oauth-proxy/" + first + "/callback?code=x&state=v1%3Aabc%3Adef");
    assertThat(forged.status()).isEqualTo(400);
    assertThat(forged.at("/error/code")).isEqualTo("invalid_state");
    assertThat(forged.at("/error/details/field")).isEqualTo("state");
    // A state the platform issued for one connection does not authorize another.
    String query = authorize(first);
    assertThat(anonymous.get("/oauth-proxy/" + second + "/callback?" + query).at("/error/code")).isEqualTo("invalid_state");
    var refused = anonymous.get("/oauth-proxy/" + first + "/callback?error=access_denied&state=x");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.at("/error/message")).contains("access_denied");
  }

  @Test
  void authorizeChecksTheOrgTokenAndTheConnection() {
    String id = oauthConnection("guarded", "http://127.0.0.1:1/mcp");
    assertThat(new Api(api.base(), null).get("/oauth-proxy/" + id + "/authorize").status()).isEqualTo(401);
    String other = Platform.org(admin);
    assertThat(api.as(Platform.token(admin, other, "paid")).get("/oauth-proxy/" + id + "/authorize").status()).isEqualTo(403);
    var json = api.send("GET", "/oauth-proxy/" + id + "/authorize", null, Map.of("Accept", "application/json"));
    assertThat(json.status()).isEqualTo(200);
    assertThat(json.at("/authorizeUrl")).startsWith(authBase() + "/authorize?");
    String bearer = api.post("/api/" + org + "/connections", Map.of("name", "plain", "url", "http://127.0.0.1:1/mcp",
        "auth", Map.of("type", "bearer", "token", "t"))).at("/id");
    var notOauth = api.get("/oauth-proxy/" + bearer + "/authorize");
    assertThat(notOauth.status()).isEqualTo(400);
    assertThat(notOauth.at("/error/details/field")).isEqualTo("auth.authorizeUrl");
  }

  @Test
  void theAuthorizationEndpointsAreValidated() {
    String base = "/api/" + org + "/connections";
    assertThat(api.post(base, Map.of("name", "v1", "url", "http://x", "auth", Map.of("type", "oauth", "authorizeUrl", "nope",
        "tokenUrl", "http://as/token", "clientId", "c"))).at("/error/details/field")).isEqualTo("auth.authorizeUrl");
    assertThat(api.post(base, Map.of("name", "v2", "url", "http://x", "auth", Map.of("type", "oauth", "authorizeUrl", "http://as/a",
        "clientId", "c"))).at("/error/details/field")).isEqualTo("auth.tokenUrl");
    assertThat(api.post(base, Map.of("name", "v3", "url", "http://x", "auth", Map.of("type", "oauth", "authorizeUrl", "http://as/a",
        "tokenUrl", "http://as/token"))).at("/error/details/field")).isEqualTo("auth.clientId");
    assertThat(api.post(base, Map.of("name", "v4", "url", "http://x", "auth", Map.of("type", "bearer", "token", "t",
        "authorizeUrl", "http://as/a"))).at("/error/details/field")).isEqualTo("auth.authorizeUrl");
  }

  static Map<String, String> form(String encoded) {
    var form = new LinkedHashMap<String, String>();
    if (encoded == null) {
      return form;
    }
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
          .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      return "";
    }
  }

  static void answer(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }
}
