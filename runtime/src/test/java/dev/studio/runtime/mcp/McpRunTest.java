package dev.studio.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.studio.runtime.Role;
import dev.studio.runtime.StudioRuntime;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A run of the dev model calls an org's MCP tools in-process: journaled, answered, idempotent as the tool declares. */
class McpRunTest {
  static final String SECRET = "run-secret-" + System.nanoTime();
  static Platform platform;
  static StudioRuntime runtime;
  static Api api;
  static String org;
  static TestMcpServer downstream;
  static String connection;

  @BeforeAll
  static void start() throws Exception {
    platform = Platform.create();
    runtime = platform.start(Role.all);
    var admin = platform.admin(runtime);
    org = Platform.org(admin);
    api = admin.as(Platform.token(admin, org, "paid"));
    downstream = TestMcpServer.guarded("Authorization", "Bearer " + SECRET);
    var created = api.post("/api/" + org + "/connections",
        Map.of("name", "tracker", "url", downstream.url(), "auth", Map.of("type", "bearer", "token", SECRET)));
    assertThat(created.status()).isEqualTo(201);
    connection = created.at("/id");
  }

  @AfterAll
  static void stop() throws Exception {
    downstream.close();
    platform.close();
  }

  static JsonNode toolStep(Api.Response run) {
    for (JsonNode step : run.json().get("steps")) {
      if (step.path("kind").asText().equals("tool")) {
        return step;
      }
    }
    throw new AssertionError("no tool step: " + run.text());
  }

  @Test
  void aRunCallsAnMcpToolInProcessAndJournalsIt() {
    String thread = Platform.thread(api, org);
    String run = Platform.post(api, org, thread, "/tool tracker__add {\"a\": 2, \"b\": 3}");
    var done = Platform.awaitRun(api, org, run, Duration.ofSeconds(30));
    assertThat(done.at("/state")).as(done.text()).isEqualTo("completed");
    var step = toolStep(done);
    assertThat(step.path("toolName").asText()).isEqualTo("tracker__add");
    assertThat(step.path("state").asText()).isEqualTo("completed");
    assertThat(step.path("idempotent").asBoolean()).isTrue(); // add is read-only
    assertThat(step.at("/output/content").asText()).isEqualTo("5");
    var messages = api.get("/api/" + org + "/threads/" + thread + "/messages").json().get("messages");
    assertThat(messages.get(messages.size() - 1).get("text").asText()).contains("5");
    assertThat(done.text()).doesNotContain(SECRET);
  }

  @Test
  void aToolWithSideEffectsIsJournaledAsNotIdempotent() {
    String thread = Platform.thread(api, org);
    String run = Platform.post(api, org, thread, "/tool tracker__record {\"value\": \"milk\"}");
    var done = Platform.awaitRun(api, org, run, Duration.ofSeconds(30));
    assertThat(done.at("/state")).isEqualTo("completed");
    assertThat(toolStep(done).path("idempotent").asBoolean()).isFalse();
    assertThat(downstream.recorded).contains("milk");
  }

  @Test
  void aToolErrorReachesTheModelAsAnError() {
    String thread = Platform.thread(api, org);
    String run = Platform.post(api, org, thread, "/tool tracker__fail {}");
    var done = Platform.awaitRun(api, org, run, Duration.ofSeconds(30));
    var step = toolStep(done);
    assertThat(step.at("/output/error").asBoolean()).isTrue();
    assertThat(step.at("/output/content").asText()).isEqualTo("it failed on purpose");
  }

  @Test
  void aToolAddedDownstreamIsListedOnceItSaysItsListChanged() {
    assertThat(api.get("/api/" + org + "/connections/" + connection + "/tools").status()).isEqualTo(200);
    downstream.addTool("later");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(ConnectionsTest.names(api.get("/api/" + org + "/connections/" + connection + "/tools").json().get("tools")))
            .contains("later"));
    String thread = Platform.thread(api, org);
    var done = Platform.awaitRun(api, org, Platform.post(api, org, thread, "/tool tracker__later {}"), Duration.ofSeconds(30));
    assertThat(toolStep(done).at("/output/content").asText()).isEqualTo("later ran");
  }
}
