package dev.studio.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.studio.daemon.DaemonMain;
import dev.studio.runtime.Role;
import dev.studio.runtime.StudioRuntime;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.EventStream;
import dev.studio.runtime.testing.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Desktop links end to end: the platform (role all, in this JVM) and the link program (a JVM of
 * its own, as on a user's laptop) on the real PostgreSQL, Redis and NATS. The presence TTL is 3 s
 * here (STUDIO_LINK_PRESENCE_TTL_SECONDS; 60 s in production) and the watcher looks every second,
 * so a lost link shows within seconds; the presence bucket is a fresh one per run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LinkTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final int TTL_SECONDS = 3;
  /** The org's model key: configured on the platform, and never to be seen on a link's wire. */
  static final String MODEL_KEY = "sk-org-secret-" + UUID.randomUUID();

  @TempDir Path dir;
  Platform platform;
  StudioRuntime runtime;
  Api admin;
  String org;

  @BeforeAll
  void startPlatform() {
    platform = Platform.create(Map.of(
        "LLM_PROVIDER", "dev",
        "LLM_API_KEY", MODEL_KEY,
        "STUDIO_LINK_BUCKET", "studio_links_test_" + UUID.randomUUID().toString().substring(0, 8),
        "STUDIO_LINK_PRESENCE_TTL_SECONDS", String.valueOf(TTL_SECONDS),
        "STUDIO_LINK_WATCH_SECONDS", "1",
        "SANDBOX_PROVIDER", "local",
        "SANDBOX_DAEMON_COMMAND", String.join(" ", daemonCommand())));
    runtime = platform.start(Role.all);
    admin = platform.admin(runtime);
    org = Platform.org(admin);
  }

  @AfterAll
  void stopPlatform() {
    platform.close();
  }

  @Test
  void aLinkedUsersRunExecutesOnTheirMachineAndStreamsLive() throws Exception {
    String token = Platform.token(admin, org, "paid");
    var user = admin.as(token);
    String thread = Platform.thread(user, org);

    // Before any link: hosted, as always.
    String hosted = Platform.post(user, org, thread, "hello before the link");
    var hostedRun = Platform.awaitRun(user, org, hosted, WAIT);
    assertThat(hostedRun.at("/state")).isEqualTo("completed");
    assertThat(hostedRun.at("/transport")).isEqualTo("hosted");

    Path workspaces = dir.resolve("workspaces");
    try (var proxy = new RecordingProxy(user.base());
        var link = LinkProcess.start(proxy.url(), token, workspaces, daemonCommand());
        var stream = new EventStream(user.base() + "/api/" + org + "/threads/" + thread + "/stream", token, null)) {
      awaitLive(user, link);

      String run = Platform.post(user, org, thread,
          "/tool write {\"path\": \"hello.txt\", \"content\": \"written on the user's machine\"}");
      var done = Platform.awaitRun(user, org, run, WAIT);
      assertThat(done.at("/state")).as(done.text() + "\n" + String.join("\n", link.log())).isEqualTo("completed");
      assertThat(done.at("/transport")).isEqualTo("link");
      assertThat(done.at("/worker")).startsWith("link:");
      assertThat(done.at("/sandbox")).startsWith("local:scratch http://scratch.localhost:");

      // The agent's file is in the link's local workspace.
      assertThat(Files.readString(workspaces.resolve("scratch").resolve("hello.txt"))).isEqualTo("written on the user's machine");

      // Every viewer saw the run live on the thread's stream, start to end, in order.
      stream.awaitType(run, "run.completed", WAIT);
      List<String> types = stream.events(run).stream().map(EventStream.Event::type).toList();
      assertThat(types).containsSubsequence("run.queued", "run.started", "tool.call", "tool.result", "message.delta",
          "message.completed", "run.completed");
      var toolResult = stream.events(run).stream().filter(e -> e.type().equals("tool.result")).findFirst().orElseThrow();
      assertThat(toolResult.data().path("error").asBoolean()).isFalse();
      // The journal is the platform's, as for a hosted run: model, tool, model.
      List<String> steps = new ArrayList<>();
      for (JsonNode step : done.json().path("steps")) {
        steps.add(step.path("kind").asText() + ":" + step.path("state").asText());
      }
      assertThat(steps).containsExactly("model:completed", "tool:completed", "model:completed");

      // A platform tool (a built-in one, as an MCP connection's would be) by its signed URL.
      String clock = Platform.post(user, org, thread, "/tool current_time {}");
      assertThat(Platform.awaitRun(user, org, clock, WAIT).at("/state")).isEqualTo("completed");
      var clockResult = stream.awaitType(clock, "tool.result", WAIT);
      assertThat(clockResult.data().path("error").asBoolean()).as(clockResult.data().toString()).isFalse();
      // Its URL works for that run and tool only: another tool's name under the same signature is refused.
      String signed = proxy.traffic().lines().filter(l -> l.startsWith(">>> POST ") && l.contains("/tools/current_time?")).findFirst().orElseThrow();
      String path = signed.substring(signed.indexOf("/api/")).strip();
      var forged = user.send("POST", path.replace("/tools/current_time?", "/tools/remember?"), "{}".getBytes(),
          Map.of(LinkProtocol.HEADER, LinkProtocol.VERSION, LinkProtocol.LINK_ID, "test-link"));
      assertThat(forged.status()).isEqualTo(403);

      // The link's whole conversation with the platform went through the proxy; the key never did.
      String wire = proxy.traffic();
      assertThat(wire).contains(run).contains("/links/runs/" + run + "/model").contains("hello.txt");
      assertThat(wire).doesNotContain(MODEL_KEY);
    }
  }

  @Test
  void aLostLinksStartedRunEndsLinkLostAndItsWaitingRunGoesHosted() throws Exception {
    String token = Platform.token(admin, org, "paid");
    var user = admin.as(token);
    String busy = Platform.thread(user, org);
    String other = Platform.thread(user, org);
    try (var link = LinkProcess.start(user.base(), token, dir.resolve("lost"), daemonCommand());
        var stream = new EventStream(user.base() + "/api/" + org + "/threads/" + busy + "/stream", token, null)) {
      awaitLive(user, link);
      String started = Platform.post(user, org, busy, "/tool bash {\"command\": \"sleep 120\"}");
      stream.awaitType(started, "tool.call", WAIT);
      // The link runs one run at a time: this one waits on the user's link queue.
      String waiting = Platform.post(user, org, other, "hello while the link is busy");
      assertThat(user.get("/api/" + org + "/runs/" + waiting).at("/transport")).isEqualTo("link");

      link.kill();
      long killed = System.nanoTime();

      var interrupted = Platform.awaitRun(user, org, started, WAIT);
      double seconds = (System.nanoTime() - killed) / 1e9;
      assertThat(interrupted.at("/state")).isEqualTo("interrupted");
      assertThat(interrupted.at("/reason")).isEqualTo("link_lost");
      // Presence TTL (3 s) plus the watcher's second, plus a margin for a busy machine.
      assertThat(seconds).isLessThan(TTL_SECONDS + 1 + 6);
      var event = stream.awaitType(started, "run.interrupted", WAIT);
      assertThat(event.data().path("reason").asText()).isEqualTo("link_lost");

      var rerouted = Platform.awaitRun(user, org, waiting, WAIT);
      assertThat(rerouted.at("/state")).isEqualTo("completed");
      assertThat(rerouted.at("/transport")).isEqualTo("hosted");
      assertThat(rerouted.at("/worker")).doesNotStartWith("link:");
    }
  }

  @Test
  void twoLinkProcessesOfOneUserRunEachRunOnce() throws Exception {
    String token = Platform.token(admin, org, "paid");
    var user = admin.as(token);
    try (var first = LinkProcess.start(user.base(), token, dir.resolve("first"), daemonCommand());
        var second = LinkProcess.start(user.base(), token, dir.resolve("second"), daemonCommand())) {
      awaitLive(user, first);
      List<String> runs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        runs.add(Platform.post(user, org, Platform.thread(user, org), "message " + i));
      }
      for (String run : runs) {
        var done = Platform.awaitRun(user, org, run, WAIT);
        assertThat(done.at("/state")).isEqualTo("completed");
        assertThat(done.at("/transport")).isEqualTo("link");
        assertThat(done.json().path("attempt").asInt()).as("started once").isEqualTo(1);
        var thread = user.get("/api/" + org + "/threads/" + done.at("/threadId") + "/messages");
        assertThat(thread.json().path("messages")).as("one answer").hasSize(2);
      }
    }
  }

  @Test
  void theLinkEndpointsSpeakOnlyTheLinkProtocolToValidTokens() {
    String token = Platform.token(admin, org, "paid");
    var user = admin.as(token);
    var noProtocol = user.get("/api/links/work?timeout=1");
    assertThat(noProtocol.status()).isEqualTo(426);
    assertThat(noProtocol.at("/error/code")).isEqualTo("upgrade_required");
    assertThat(noProtocol.header("Upgrade")).isEqualTo("studio-link/1");

    var protocol = Map.of(LinkProtocol.HEADER, LinkProtocol.VERSION, LinkProtocol.LINK_ID, "test-link");
    var badToken = admin.as("sto_not_a_token").send("GET", "/api/links/work?timeout=1", null, protocol);
    assertThat(badToken.status()).isEqualTo(401);
    assertThat(badToken.at("/error/code")).isEqualTo("unauthorized");

    // With both, a poll with nothing to do answers 204 when its wait is over.
    assertThat(user.send("GET", "/api/links/work?timeout=1", null, protocol).status()).isEqualTo(204);
    // A link refused at start-up says why and exits.
    try (var link = LinkProcess.start(user.base(), "sto_not_a_token", dir.resolve("refused"), daemonCommand())) {
      assertThat(link.awaitExit(WAIT)).isEqualTo(2);
      assertThat(String.join("\n", link.log())).contains("the platform refused the link").contains("401")
          .doesNotContain("sto_not_a_token");
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private void awaitLive(Api user, LinkProcess link) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (user.get("/api/links/presence").json().path("live").asBoolean()) {
        return;
      }
      if (!link.alive()) {
        break;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the link did not come up: " + String.join("\n", link.log()));
  }

  private static List<String> daemonCommand() {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-cp",
        System.getProperty("java.class.path"), DaemonMain.class.getName());
  }
}
