package dev.studio.runtime.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.studio.runtime.Role;
import dev.studio.runtime.StudioRuntime;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import dev.studio.runtime.testing.S3Server;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bundles on a platform of one api and two workers (the local PostgreSQL, Redis and NATS, S3
 * through s3proxy), fed through the internal routes exactly as the operator feeds them.
 */
class BundlesTest {
  static S3Server s3;
  static Platform platform;
  static StudioRuntime api;
  static StudioRuntime worker1;
  static StudioRuntime worker2;
  static Api admin;
  static String org;
  static Api user;

  @BeforeAll
  static void start() {
    s3 = S3Server.start();
    platform = Platform.create(new HashMap<>(s3.env()));
    api = platform.start(Role.api);
    worker1 = platform.start(Role.worker);
    worker2 = platform.start(Role.worker);
    admin = platform.admin(api);
    org = Platform.org(admin);
    user = admin.as(Platform.token(admin, org, "paid"));
  }

  @AfterAll
  static void stop() {
    platform.close();
    s3.close();
  }

  // --- what the operator does -------------------------------------------------------------

  static Api.Response upload(String bundle, String revision, byte[] zip) {
    String artifact = bundle + "__main__" + revision.substring(0, 12);
    return admin.send("PUT", "/api/internal/bundles/" + bundle + "/artifacts/" + artifact + "?revision=" + revision, zip,
        Map.of("Content-Type", "application/zip"));
  }

  static Api.Response settings(String bundle, String revision, Map<String, Object> extra) {
    var body = new HashMap<String, Object>(Map.of("artifact", bundle + "__main__" + revision.substring(0, 12), "ref", "main"));
    body.putAll(extra);
    return admin.send("PUT", "/api/internal/bundles/" + bundle, Api.json(body).getBytes(), Map.of("Content-Type", "application/json"));
  }

  /** Deploys a revision and waits until both workers serve it. */
  static void deploy(String bundle, String revision, byte[] zip, Map<String, Object> extra) {
    var uploaded = upload(bundle, revision, zip);
    assertThat(uploaded.status()).as(uploaded.text()).isIn(200, 201);
    assertThat(settings(bundle, revision, extra).status()).isEqualTo(200);
    awaitServedByBothWorkers(bundle, bundle + "__main__" + revision.substring(0, 12));
  }

  static void awaitServedByBothWorkers(String bundle, String artifact) {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      var listed = admin.get("/api/internal/bundles").json();
      JsonNode entry = null;
      for (JsonNode b : listed.path("bundles")) {
        if (b.path("name").asText().equals(bundle)) {
          entry = b;
        }
      }
      assertThat(entry).isNotNull();
      assertThat(entry.path("artifact").asText()).isEqualTo(artifact);
      assertThat(entry.path("loadedBy").asInt()).isEqualTo(2);
    });
  }

  static String revision(char c) {
    return String.valueOf(c).repeat(40);
  }

  static String bundleName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  static String post(String thread, String text, String bundle) {
    var posted = user.post("/api/" + org + "/threads/" + thread + "/messages", bundle == null ? Map.of("text", text)
        : Map.of("text", text, "bundle", bundle));
    assertThat(posted.status()).as(posted.text()).isEqualTo(202);
    return posted.at("/runId");
  }

  /** The answer of a run once it completed. */
  static String answer(String run) {
    var ended = Platform.awaitRun(user, org, run, Duration.ofSeconds(30));
    assertThat(ended.at("/state")).as(ended.text()).isEqualTo("completed");
    var messages = user.get("/api/" + org + "/threads/" + ended.at("/threadId") + "/messages").json().path("messages");
    for (JsonNode message : messages) {
      if (message.path("role").asText().equals("assistant") && message.path("runId").asText().equals(run)) {
        return message.path("text").asText();
      }
    }
    throw new AssertionError("run " + run + " completed without an answer: " + messages);
  }

  static String ops(String bundle) {
    return "/api/integrations/bundles/" + org + "/" + bundle + "/operations/";
  }

  // --- the tests ----------------------------------------------------------------------------

  @Test
  void aNewRevisionServesNewRunsAtOnceWhileARunningTurnFinishesOnTheOldOne() {
    String bundle = bundleName("words");
    // Props belong to the Bundle, not to a revision: both revisions answer slowly.
    var slow = Map.<String, Object>of("kind", "Jvm", "props", Map.of("delayMillis", 500));
    deploy(bundle, revision('a'), TestBundles.wordTools(), slow);
    String thread = Platform.thread(user, org);
    String longRun = post(thread, "one two three four five six seven", bundle);
    await().atMost(Duration.ofSeconds(10)).until(() -> "running".equals(user.get("/api/" + org + "/runs/" + longRun).at("/state")));

    deploy(bundle, revision('b'), TestBundles.wordTools(), slow);
    assertThat(user.get("/api/" + org + "/runs/" + longRun).at("/state")).as("the long run is still on the old revision")
        .isEqualTo("running");
    String otherThread = Platform.thread(user, org);
    assertThat(answer(post(otherThread, "two words", bundle))).isEqualTo("[bbbbbbb] your message has 2 words");
    assertThat(answer(longRun)).isEqualTo("[aaaaaaa] your message has 7 words");
  }

  @Test
  void aBrokenRevisionIsRefusedWithItsReasonAndThePreviousOneKeepsServing() {
    String bundle = bundleName("steady");
    deploy(bundle, revision('1'), TestBundles.wordTools(), Map.of());

    String throwing = """
        package broken;
        public class Broken implements dev.studio.bundle.spi.StudioBundle {
          static { if (true) throw new IllegalStateException("cannot reach the inventory service"); }
        }
        """;
    var refused = upload(bundle, revision('2'), TestBundles.jvm("broken.Broken", throwing, true));
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.at("/error/code")).isEqualTo("invalid_bundle");
    assertThat(refused.at("/error/message")).contains("cannot reach the inventory service");

    var noSpi = upload(bundle, revision('3'), TestBundles.jvm("plain.Plain", "package plain; public class Plain {}", false));
    assertThat(noSpi.status()).isEqualTo(422);
    assertThat(noSpi.at("/error/message")).contains("implements no bundle SPI");

    var badYaml = upload(bundle, revision('4'), TestBundles.declarative("system: [oops\n"));
    assertThat(badYaml.status()).isEqualTo(422);
    assertThat(badYaml.at("/error/message")).startsWith("bundle.yaml is not valid YAML");

    // The operator never gets to announce a refused revision: settings naming it are refused too.
    assertThat(settings(bundle, revision('2'), Map.of()).status()).isEqualTo(404);
    String thread = Platform.thread(user, org);
    assertThat(answer(post(thread, "still here", bundle))).isEqualTo("[1111111] your message has 2 words");
  }

  @Test
  void operationsOfBothKinds() {
    String words = bundleName("ops-jvm");
    deploy(words, revision('c'), TestBundles.wordTools(), Map.of("props", Map.of("greeting", "Hello")));
    String support = bundleName("ops-decl");
    deploy(support, revision('d'), TestBundles.supportAgent(),
        Map.of("props", Map.of("team", "Acme", "tone", "friendly", "escalationEmail", "help@acme.test")));

    var count = user.get(ops(words) + "count?text=to%20be%20or%20not");
    assertThat(count.status()).as(count.text()).isEqualTo(200);
    assertThat(count.json().path("output").path("words").asInt()).isEqualTo(4);
    assertThat(count.at("/revision")).isEqualTo(revision('c'));

    assertThat(user.post("/api/integrations/bundles/" + org + "/" + words + "/props", Map.of()).status()).isEqualTo(404);
    assertThat(user.send("PUT", "/api/integrations/bundles/" + org + "/" + words + "/props",
        Api.json(Map.of("greeting", "Howdy")).getBytes(), Map.of()).status()).isEqualTo(200);
    assertThat(user.post(ops(words) + "greet", Map.of("name", "Ada")).json().path("output").path("text").asText())
        .isEqualTo("Howdy, Ada!");

    var refused = user.get(ops(words) + "count");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.at("/error/message")).isEqualTo("text is required");

    var summary = user.post(ops(support) + "summarize", Map.of("text", "the invoice is late"));
    assertThat(summary.status()).as(summary.text()).isEqualTo(200);
    assertThat(summary.at("/output")).isEqualTo("Echo: Summarize for a customer, in a friendly tone: the invoice is late");
    var missing = user.post(ops(support) + "reply", Map.of("customer", "Bo"));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.at("/error/details/field")).isEqualTo("message");

    assertThat(user.get(ops(words) + "nope").status()).isEqualTo(404);
    assertThat(user.get(ops("no-such-bundle") + "count").status()).isEqualTo(404);
    String otherOrg = Platform.org(admin);
    var stranger = admin.as(Platform.token(admin, otherOrg, "paid"));
    assertThat(stranger.get(ops(words) + "count?text=x").status()).isEqualTo(403);
  }

  @Test
  void jobsRunOnTheBundleAndLandInItsHistory() {
    String words = bundleName("jobs-jvm");
    deploy(words, revision('e'), TestBundles.wordTools(), Map.of());
    String support = bundleName("jobs-decl");
    deploy(support, revision('f'), TestBundles.supportAgent(), Map.of("props", Map.of("team", "Acme")));

    var submitted = user.post("/api/integrations/bundles/" + org + "/" + words + "/jobs",
        Map.of("workKind", "tally", "payload", Map.of("text", "a b c")));
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
    user.post("/api/integrations/bundles/" + org + "/" + support + "/jobs", Map.of("workKind", "report", "payload", Map.of("notes", "quiet")));

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      var history = user.get("/api/integrations/bundles/" + org + "/" + words + "/jobs").json().path("jobs");
      assertThat(history).hasSize(1);
      assertThat(history.get(0).path("state").asText()).isEqualTo("completed");
      assertThat(history.get(0).path("result").path("words").asInt()).isEqualTo(3);
      assertThat(history.get(0).path("revision").asText()).isEqualTo(revision('e'));
    });
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      var history = user.get("/api/integrations/bundles/" + org + "/" + support + "/jobs").json().path("jobs");
      assertThat(history).hasSize(1);
      assertThat(history.get(0).path("result").path("output").asText())
          .isEqualTo("Echo: Write the nightly support report for Acme. Notes: quiet");
    });
  }

  @Test
  void switchingSurfacesOffAnswers404AtOnceAndStopsTheSchedule_whichFiresOncePerTickAcrossWorkers() {
    String bundle = bundleName("switch");
    // Due at 10:15 on January 1st only: the workers' own ticks (real time) never fire it during the test.
    var schedule = Map.of("name", "new-year", "cron", "15 10 1 1 *", "workKind", "tally", "payload", Map.of("text", "tick tock"));
    deploy(bundle, revision('7'), TestBundles.wordTools(), Map.of("schedules", List.of(schedule)));
    assertThat(user.get(ops(bundle) + "count?text=x").status()).isEqualTo(200);

    // Both workers see the schedule due in the same minute; one job is enqueued, not two.
    Instant minute = Instant.parse("2030-01-01T10:15:00Z");
    var first = schedules(worker1, minute);
    var second = schedules(worker2, minute);
    assertThat(first.fire(minute) + second.fire(minute)).isEqualTo(1);
    assertThat(first.fire(minute) + second.fire(minute)).as("the same tick again").isZero();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      var history = user.get("/api/integrations/bundles/" + org + "/" + bundle + "/jobs").json().path("jobs");
      assertThat(history).hasSize(1);
      assertThat(history.get(0).path("schedule").asText()).isEqualTo("new-year");
      assertThat(history.get(0).path("result").path("words").asInt()).isEqualTo(2);
    });

    settings(bundle, revision('7'), Map.of("schedules", List.of(schedule),
        "enabled", Map.of("operations", false, "jobs", false, "schedules", false)));
    await().atMost(Duration.ofSeconds(5)).until(() -> user.get(ops(bundle) + "count?text=x").status() == 404);
    assertThat(user.get(ops(bundle) + "count?text=x").at("/error/message")).contains("switched off");
    assertThat(user.post("/api/integrations/bundles/" + org + "/" + bundle + "/jobs", Map.of("workKind", "tally")).status())
        .isEqualTo(404);
    await().atMost(Duration.ofSeconds(5)).until(() -> worker1.bundles().orElseThrow().registry().settings(bundle)
        .map(s -> !s.enabled().schedules()).orElse(false)
        && worker2.bundles().orElseThrow().registry().settings(bundle).map(s -> !s.enabled().schedules()).orElse(false));
    Instant next = minute.plus(Duration.ofDays(365));
    assertThat(schedules(worker1, next).fire(next) + schedules(worker2, next).fire(next)).isZero();
  }

  static BundleSchedules schedules(StudioRuntime worker, Instant at) {
    return worker.bundles().orElseThrow().schedules(worker.jobs(), Clock.fixed(at, ZoneOffset.UTC));
  }

  @Test
  void aDeclarativeDefaultBundleTakesRunsThatNameNone() {
    String bundle = bundleName("default");
    deploy(bundle, revision('9'), TestBundles.supportAgent(),
        Map.of("default", true, "props", Map.of("team", "Acme", "tone", "calm", "escalationEmail", "help@acme.test")));
    String thread = Platform.thread(user, org);
    try {
      assertThat(answer(post(thread, "/system", null))).startsWith("System: You are the support agent of Acme. Answer in a calm tone");
    } finally {
      admin.delete("/api/internal/bundles/" + bundle); // the other tests' runs name their bundle; keep it that way
    }
  }

  @Test
  void secretsAreSealedAndNeverComeBack() throws Exception {
    String bundle = bundleName("secret");
    deploy(bundle, revision('5'), TestBundles.wordTools(), Map.of("secrets", Map.of("apiKey", "deployment-s3cr3t")));
    var put = user.send("PUT", "/api/integrations/bundles/" + org + "/" + bundle + "/secrets",
        Api.json(Map.of("token", "org-s3cr3t")).getBytes(), Map.of());
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.text()).doesNotContain("org-s3cr3t").contains("token");
    assertThat(admin.get("/api/internal/bundles").text()).doesNotContain("deployment-s3cr3t");
    assertThat(user.get("/api/integrations/bundles/" + org).text()).doesNotContain("s3cr3t");
    try (var db = DriverManager.getConnection(platform.database().jdbcUrl(), "postgres", "");
        var rows = db.createStatement().executeQuery("select sealed from bundle_secrets where bundle = '" + bundle + "'")) {
      int n = 0;
      while (rows.next()) {
        n++;
        assertThat(rows.getString(1)).startsWith("v1:").doesNotContain("s3cr3t");
      }
      assertThat(n).isEqualTo(2);
    }
  }

  @Test
  void aRetractedBundleIsDroppedEverywhere_andAWorkerStartedLaterCatchesUp() {
    String bundle = bundleName("gone");
    deploy(bundle, revision('6'), TestBundles.wordTools(), Map.of());
    var late = platform.start(Role.worker);
    assertThat(late.bundles().orElseThrow().registry().settings(bundle)).as("read at start").isPresent();
    late.close();

    String thread = Platform.thread(user, org);
    String queuedBefore = post(thread, "/slow 300 hello there", bundle);
    assertThat(admin.delete("/api/internal/bundles/" + bundle).status()).isEqualTo(204);
    await().atMost(Duration.ofSeconds(5)).until(() -> user.get(ops(bundle) + "count?text=x").status() == 404);
    var refused = user.post("/api/" + org + "/threads/" + thread + "/messages", Map.of("text", "hello", "bundle", bundle));
    assertThat(refused.status()).isEqualTo(404);
    assertThat(refused.at("/error/message")).isEqualTo("bundle " + bundle + " does not exist");
    // A run posted before the retraction either finished on it or fails saying why; it is never lost.
    var ended = Platform.awaitRun(user, org, queuedBefore, Duration.ofSeconds(30));
    assertThat(ended.at("/state")).isIn("completed", "failed");
    if (ended.at("/state").equals("failed")) {
      assertThat(ended.at("/error")).isEqualTo("bundle " + bundle + " is not deployed");
    }
  }
}
