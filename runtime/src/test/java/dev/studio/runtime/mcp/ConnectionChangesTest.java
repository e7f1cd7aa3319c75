package dev.studio.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.studio.runtime.Role;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two api processes and a worker of one platform: a connection changed or deleted through one is
 * dropped by the others at once (over NATS), not when their caches happen to expire: an idle
 * client says goodbye to the downstream, the next /mcp call uses the new credentials, and the
 * worker's next run sees a connection just created.
 */
class ConnectionChangesTest {
  static final String SECRET = "changes-secret-" + System.nanoTime();
  static Platform platform;
  static Api first;
  static Api second;
  static String org;

  @BeforeAll
  static void start() {
    platform = Platform.create();
    var a = platform.start(Role.api);
    var b = platform.start(Role.api);
    var admin = platform.admin(a);
    org = Platform.org(admin);
    first = admin.as(Platform.token(admin, org, "paid"));
    second = first.at(b.port());
    platform.start(Role.worker);
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void deletingAConnectionInOneProcessClosesTheIdleClientOfAnother() throws Exception {
    try (var downstream = TestMcpServer.open()) {
      String id = first.post("/api/" + org + "/connections", Map.of("name", "shared", "url", downstream.url())).at("/id");
      // The second process lists the tools: it now holds an SDK client with a session at the downstream.
      assertThat(second.get("/api/" + org + "/connections/" + id + "/tools").status()).isEqualTo(200);
      assertThat(downstream.closedSessions).isEmpty();

      assertThat(first.delete("/api/" + org + "/connections/" + id).status()).isEqualTo(204);
      await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(downstream.closedSessions).hasSize(1));
    }
  }

  @Test
  void newCredentialsGivenToOneProcessServeTheNextCallThroughAnother() throws Exception {
    try (var downstream = TestMcpServer.guarded("X-Key", SECRET)) {
      String id = first.post("/api/" + org + "/connections", Map.of("name", "rekeyed", "url", downstream.url(),
          "auth", Map.of("type", "header", "header", "X-Key", "value", "old-key"))).at("/id");
      String call = "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"initialize\", \"params\": {\"protocolVersion\": \"2025-06-18\", "
          + "\"capabilities\": {}, \"clientInfo\": {\"name\": \"raw\", \"version\": \"1\"}}}";
      // The second process caches the connection with the old key (for some seconds, without the broadcast).
      assertThat(second.postRaw("/mcp/" + id, call).at("/error/message")).contains("refused the platform's credentials");

      var patched = first.send("PATCH", "/api/" + org + "/connections/" + id, Api.json(Map.of("auth",
          Map.of("type", "header", "header", "X-Key", "value", SECRET))).getBytes(), Map.of("Content-Type", "application/json"));
      assertThat(patched.status()).as(patched.text()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(100))
          .untilAsserted(() -> assertThat(second.postRaw("/mcp/" + id, call).text()).contains("test-downstream"));
    }
  }

  @Test
  void aConnectionCreatedThroughAnApiServesTheWorkersNextRun() throws Exception {
    try (var downstream = TestMcpServer.open()) {
      // A first run: the worker has now read (and cached) the org's connections, without this one.
      String thread = Platform.thread(first, org);
      assertThat(Platform.awaitRun(first, org, Platform.post(first, org, thread, "hello"), Duration.ofSeconds(30)).at("/state"))
          .isEqualTo("completed");

      assertThat(first.post("/api/" + org + "/connections", Map.of("name", "fresh", "url", downstream.url())).status())
          .isEqualTo(201);
      var done = Platform.awaitRun(first, org, Platform.post(first, org, thread, "/tool fresh__add {\"a\": 2, \"b\": 3}"),
          Duration.ofSeconds(30));
      assertThat(done.at("/state")).as(done.text()).isEqualTo("completed");
      JsonNode tool = null;
      for (JsonNode step : done.json().get("steps")) {
        tool = step.path("kind").asText().equals("tool") ? step : tool;
      }
      assertThat(tool).as(done.text()).isNotNull();
      assertThat(tool.at("/output/content").asText()).isEqualTo("5");
    }
  }
}
