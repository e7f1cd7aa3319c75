package dev.studio.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.studio.runtime.Role;
import dev.studio.runtime.StudioRuntime;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OAuth credentials: an expired access token is refreshed at the token endpoint before use, sealed again, never shown. */
class OAuthConnectionTest {
  static Platform platform;
  static StudioRuntime runtime;
  static Api api;
  static String org;
  static HttpServer tokenEndpoint;
  static final List<String> grants = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    platform = Platform.create();
    runtime = platform.start(Role.api);
    var admin = platform.admin(runtime);
    org = Platform.org(admin);
    api = admin.as(Platform.token(admin, org, "paid"));
    tokenEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    tokenEndpoint.createContext("/token", exchange -> {
      String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      grants.add(form);
      boolean ok = form.contains("grant_type=refresh_token") && form.contains("refresh_token=refresh-1") && form.contains("client_id=studio");
      byte[] body = (ok ? "{\"access_token\": \"access-2\", \"refresh_token\": \"refresh-2\", \"expires_in\": 3600, \"token_type\": \"Bearer\"}"
          : "{\"error\": \"invalid_grant\"}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(ok ? 200 : 400, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    tokenEndpoint.start();
  }

  @AfterAll
  static void stop() {
    tokenEndpoint.stop(0);
    platform.close();
  }

  static String tokenUrl() {
    return "http://127.0.0.1:" + tokenEndpoint.getAddress().getPort() + "/token";
  }

  @Test
  void anExpiredAccessTokenIsRefreshedOnceAndTheNewTokensAreSealed() throws Exception {
    try (var downstream = TestMcpServer.guarded("Authorization", "Bearer access-2")) {
      var created = api.post("/api/" + org + "/connections", Map.of("name", "oauthed", "url", downstream.url(), "auth", Map.of(
          "type", "oauth", "token", "access-1", "refreshToken", "refresh-1", "expiresAt", Instant.now().minusSeconds(5).toString(),
          "tokenUrl", tokenUrl(), "clientId", "studio", "clientSecret", "client-secret-1")));
      assertThat(created.status()).as(created.text()).isEqualTo(201);
      assertThat(created.at("/auth/type")).isEqualTo("oauth");
      String id = created.at("/id");
      int before = grants.size();

      var tools = api.get("/api/" + org + "/connections/" + id + "/tools");
      assertThat(tools.status()).as(tools.text()).isEqualTo(200);
      assertThat(api.get("/api/" + org + "/connections/" + id + "/tools").status()).isEqualTo(200);
      assertThat(grants.size() - before).isEqualTo(1); // refreshed once, then the new token serves
      assertThat(grants.get(grants.size() - 1)).contains("client_secret=client-secret-1");
      assertThat(downstream.seenHeaderValues).containsOnly("Bearer access-2");

      String sealed = runtime.datastores().postgres().jdbi().withHandle(h -> h.createQuery(
          "select sealed_auth from mcp_connections where id = cast(? as uuid)").bind(0, id).mapTo(String.class).one());
      assertThat(sealed).doesNotContain("access-2").doesNotContain("refresh-2");
      var shown = api.get("/api/" + org + "/connections/" + id).text() + created.text() + tools.text();
      for (String secret : List.of("access-1", "access-2", "refresh-1", "refresh-2", "client-secret-1")) {
        assertThat(shown).doesNotContain(secret);
      }
    }
  }

  @Test
  void aRefusedRefreshIsAClearError() {
    var created = api.post("/api/" + org + "/connections", Map.of("name", "revoked", "url", "http://127.0.0.1:1/mcp", "auth", Map.of(
        "type", "oauth", "refreshToken", "refresh-revoked", "tokenUrl", tokenUrl(), "clientId", "studio")));
    var tools = api.get("/api/" + org + "/connections/" + created.at("/id") + "/tools");
    assertThat(tools.status()).isEqualTo(502);
    assertThat(tools.at("/error/message")).contains("refresh the OAuth token").contains("400 invalid_grant").doesNotContain("refresh-revoked");
  }

  @Test
  void oauthFieldsAreValidated() {
    String base = "/api/" + org + "/connections";
    assertThat(api.post(base, Map.of("name", "o1", "url", "http://x", "auth", Map.of("type", "oauth"))).at("/error/details/field"))
        .isEqualTo("auth.token");
    assertThat(api.post(base, Map.of("name", "o2", "url", "http://x", "auth", Map.of("type", "oauth", "refreshToken", "r")))
        .at("/error/details/field")).isEqualTo("auth.tokenUrl");
    assertThat(api.post(base, Map.of("name", "o3", "url", "http://x", "auth", Map.of("type", "oauth", "token", "t", "expiresAt", "soon")))
        .at("/error/details/field")).isEqualTo("auth.expiresAt");
    assertThat(api.post(base, Map.of("name", "o4", "url", "http://x", "auth", Map.of("type", "bearer", "token", "t", "refreshToken", "r")))
        .at("/error/details/field")).isEqualTo("auth.refreshToken");
  }
}
