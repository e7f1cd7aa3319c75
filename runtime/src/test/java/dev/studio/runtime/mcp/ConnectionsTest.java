package dev.studio.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.runtime.Role;
import dev.studio.runtime.StudioRuntime;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /api/{org}/connections}: managed per org, credentials sealed and never shown, tools listed from the downstream. */
class ConnectionsTest {
  static Platform platform;
  static StudioRuntime runtime;
  static Api admin;
  static Api api;
  static String org;

  @BeforeAll
  static void start() {
    platform = Platform.create();
    runtime = platform.start(Role.api);
    admin = platform.admin(runtime);
    org = Platform.org(admin);
    api = admin.as(Platform.token(admin, org, "paid"));
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void aConnectionIsCreatedListedUpdatedAndDeletedAndItsSecretIsNeverShown() throws Exception {
    String secret = "sk-live-" + System.nanoTime();
    try (var downstream = TestMcpServer.guarded("Authorization", "Bearer " + secret)) {
      var created = api.post("/api/" + org + "/connections",
          Map.of("name", "tracker", "url", downstream.url(), "auth", Map.of("type", "bearer", "token", secret)));
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.at("/name")).isEqualTo("tracker");
      assertThat(created.at("/url")).isEqualTo(downstream.url());
      assertThat(created.at("/auth/type")).isEqualTo("bearer");
      String id = created.at("/id");

      var tools = api.get("/api/" + org + "/connections/" + id + "/tools");
      assertThat(tools.status()).isEqualTo(200);
      assertThat(names(tools.json().get("tools"))).containsExactlyInAnyOrder("add", "greet", "record", "fail");
      assertThat(tools.at("/tools/0/inputSchema/type")).isEqualTo("object");
      assertThat(downstream.seenHeaderValues).isNotEmpty().allMatch(("Bearer " + secret)::equals);

      var listed = api.get("/api/" + org + "/connections");
      assertThat(listed.json().get("connections").findValuesAsText("id")).contains(id);
      var one = api.get("/api/" + org + "/connections/" + id);
      var renamed = api.send("PATCH", "/api/" + org + "/connections/" + id,
          "{\"name\": \"tracker2\", \"timeoutMs\": 2000}".getBytes(StandardCharsets.UTF_8), Map.of());
      assertThat(renamed.status()).isEqualTo(200);
      assertThat(renamed.at("/name")).isEqualTo("tracker2");
      assertThat(renamed.json().get("timeoutMs").asInt()).isEqualTo(2000);
      for (var response : java.util.List.of(created, tools, listed, one, renamed)) {
        assertThat(response.text()).doesNotContain(secret);
      }
      String sealed = runtime.datastores().postgres().jdbi().withHandle(h -> h.createQuery(
          "select sealed_auth from mcp_connections where id = cast(? as uuid)").bind(0, id).mapTo(String.class).one());
      assertThat(sealed).startsWith("v1:").doesNotContain(secret);

      assertThat(api.delete("/api/" + org + "/connections/" + id).status()).isEqualTo(204);
      assertThat(api.get("/api/" + org + "/connections/" + id).status()).isEqualTo(404);
    }
  }

  static java.util.List<String> names(com.fasterxml.jackson.databind.JsonNode array) {
    var names = new java.util.ArrayList<String>();
    array.forEach(item -> names.add(item.path("name").asText()));
    return names;
  }

  @Test
  void changedCredentialsRebuildTheClient() throws Exception {
    try (var downstream = TestMcpServer.guarded("X-Api-Key", "second")) {
      var created = api.post("/api/" + org + "/connections", Map.of("name", "keyed", "url", downstream.url(),
          "auth", Map.of("type", "header", "header", "X-Api-Key", "value", "first")));
      String id = created.at("/id");
      assertThat(created.at("/auth/header")).isEqualTo("X-Api-Key");
      var refused = api.get("/api/" + org + "/connections/" + id + "/tools");
      assertThat(refused.status()).isEqualTo(502);
      assertThat(refused.at("/error/code")).isEqualTo("downstream_error");

      var patched = api.send("PATCH", "/api/" + org + "/connections/" + id,
          "{\"auth\": {\"type\": \"header\", \"header\": \"X-Api-Key\", \"value\": \"second\"}}".getBytes(StandardCharsets.UTF_8), Map.of());
      assertThat(patched.status()).isEqualTo(200);
      assertThat(api.get("/api/" + org + "/connections/" + id + "/tools").status()).isEqualTo(200);
    }
  }

  @Test
  void invalidInputNamesTheFieldAndNothingIsStored() {
    String base = "/api/" + org + "/connections";
    var noUrl = api.post(base, Map.of("name", "x"));
    assertThat(noUrl.status()).isEqualTo(400);
    assertThat(noUrl.at("/error/details/field")).isEqualTo("url");
    assertThat(api.post(base, Map.of("name", "a__b", "url", "http://x")).at("/error/details/field")).isEqualTo("name");
    assertThat(api.post(base, Map.of("name", "ok", "url", "ftp://x")).at("/error/details/field")).isEqualTo("url");
    assertThat(api.post(base, Map.of("name", "ok", "url", "http://x", "auth", Map.of("type", "basic"))).at("/error/details/field"))
        .isEqualTo("auth.type");
    assertThat(api.post(base, Map.of("name", "ok", "url", "http://x", "auth", Map.of("type", "bearer"))).at("/error/details/field"))
        .isEqualTo("auth.token");
    assertThat(api.post(base, Map.of("name", "ok", "url", "http://x", "auth", Map.of("type", "header", "value", "v")))
        .at("/error/details/field")).isEqualTo("auth.header");
    assertThat(api.post(base, Map.of("name", "ok", "url", "http://x", "timeoutMs", 5)).at("/error/details/field")).isEqualTo("timeoutMs");
    assertThat(api.get(base).json().get("connections").findValuesAsText("name")).doesNotContain("ok", "x");

    assertThat(api.post(base, Map.of("name", "twice", "url", "http://127.0.0.1:1/mcp")).status()).isEqualTo(201);
    var again = api.post(base, Map.of("name", "twice", "url", "http://127.0.0.1:1/mcp"));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.at("/error/details/field")).isEqualTo("name");
  }

  @Test
  void anotherOrgsTokenSeesNoConnection() {
    String other = Platform.org(admin);
    var otherApi = admin.as(Platform.token(admin, other, "paid"));
    String id = api.post("/api/" + org + "/connections", Map.of("name", "private", "url", "http://127.0.0.1:1/mcp")).at("/id");
    assertThat(otherApi.get("/api/" + org + "/connections/" + id).status()).isEqualTo(403);
    assertThat(otherApi.get("/api/" + other + "/connections/" + id).status()).isEqualTo(404);
  }

  @Test
  void aDownstreamThatIsDownGivesAClearErrorQuickly() {
    String id = api.post("/api/" + org + "/connections", Map.of("name", "down", "url", "http://127.0.0.1:1/mcp")).at("/id");
    long start = System.nanoTime();
    var response = api.get("/api/" + org + "/connections/" + id + "/tools");
    assertThat(response.status()).isEqualTo(502);
    assertThat(response.at("/error/message")).contains("down").contains("unreachable");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
  }
}
