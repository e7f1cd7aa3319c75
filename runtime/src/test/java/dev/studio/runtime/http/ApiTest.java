package dev.studio.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.runtime.Role;
import dev.studio.runtime.StudioRuntime;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP surface of DESIGN §5 as a user meets it, including every way to get it wrong. */
class ApiTest {
  static Platform platform;
  static StudioRuntime runtime;
  static Api admin;
  static String org;
  static String token;

  @BeforeAll
  static void start() {
    platform = Platform.create();
    runtime = platform.start(Role.all);
    admin = platform.admin(runtime);
    org = Platform.org(admin);
    token = Platform.token(admin, org, "registered");
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void aMessageBecomesARunThatAnswersAndIsJournaled() {
    var api = admin.as(token);
    String thread = Platform.thread(api, org);
    var posted = api.post("/api/" + org + "/threads/" + thread + "/messages", Map.of("text", "hello agent"));
    assertThat(posted.status()).isEqualTo(202);
    assertThat(posted.at("/streamUrl")).isEqualTo("/api/" + org + "/threads/" + thread + "/stream");
    String run = posted.at("/runId");

    var done = Platform.awaitRun(api, org, run, Duration.ofSeconds(20));
    assertThat(done.at("/state")).isEqualTo("completed");
    assertThat(done.at("/lane")).isEqualTo("registered");
    assertThat(done.json().at("/steps")).hasSize(1);
    assertThat(done.at("/steps/0/kind")).isEqualTo("model");
    assertThat(done.at("/steps/0/state")).isEqualTo("completed");

    var messages = api.get("/api/" + org + "/threads/" + thread + "/messages").json().get("messages");
    assertThat(messages).hasSize(2);
    assertThat(messages.get(0).get("role").asText()).isEqualTo("user");
    assertThat(messages.get(1).get("text").asText()).isEqualTo("Echo: hello agent");
    assertThat(messages.get(1).get("runId").asText()).isEqualTo(run);
  }

  @Test
  void orgsAndTokensAreForTheAdminAndATokenIsShownOnce() {
    var created = admin.post("/api/orgs", Map.of("slug", "acme-" + System.nanoTime(), "name", "Acme"));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().fieldNames()).toIterable().contains("id", "slug", "name");
    var again = admin.post("/api/orgs", Map.of("slug", created.at("/slug"), "name", "Acme again"));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.at("/error/code")).isEqualTo("conflict");

    assertThat(admin.as(token).post("/api/orgs", Map.of("slug", "mine", "name", "Mine")).status()).isEqualTo(403);
    assertThat(admin.as(token).post("/api/" + org + "/tokens", Map.of("name", "x", "tier", "paid")).status()).isEqualTo(403);

    var listed = admin.get("/api/" + org + "/tokens");
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.text()).doesNotContain(token).doesNotContain("stk_");
  }

  @Test
  void badInputGetsAClearErrorAndNothingIsWritten() {
    var api = admin.as(token);
    String thread = Platform.thread(api, org);
    String messages = "/api/" + org + "/threads/" + thread + "/messages";
    int before = rows();

    var malformed = api.postRaw(messages, "{\"text\": ");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.at("/error/code")).isEqualTo("malformed_json");

    var unknownField = api.post(messages, Map.of("text", "hi", "txet", "typo"));
    assertThat(unknownField.status()).isEqualTo(400);
    assertThat(unknownField.at("/error/details/field")).isEqualTo("txet");

    var missing = api.post(messages, Map.of("bundle", "x"));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.at("/error/details/field")).isEqualTo("text");
    assertThat(missing.at("/error/message")).isEqualTo("text is required");

    var wrongType = api.postRaw(messages, "{\"text\": 42}");
    assertThat(wrongType.status()).isEqualTo(400);

    var tooLarge = api.post(messages, Map.of("text", "x".repeat(1_200_000)));
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.at("/error/code")).isEqualTo("payload_too_large");

    var tooLong = api.post(messages, Map.of("text", "x".repeat(ThreadRoutes.MAX_MESSAGE_CHARS + 1)));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.at("/error/details/field")).isEqualTo("text");

    var unknownOrg = api.post("/api/no-such-org/threads/" + thread + "/messages", Map.of("text", "hi"));
    assertThat(unknownOrg.status()).isEqualTo(404);
    assertThat(unknownOrg.at("/error/message")).isEqualTo("org no-such-org does not exist");

    var unknownThread = api.post("/api/" + org + "/threads/00000000-0000-4000-8000-000000000000/messages", Map.of("text", "hi"));
    assertThat(unknownThread.status()).isEqualTo(404);
    var malformedId = api.post("/api/" + org + "/threads/not-a-uuid/messages", Map.of("text", "hi"));
    assertThat(malformedId.status()).isEqualTo(404);

    String otherOrg = Platform.org(admin);
    String otherToken = Platform.token(admin, otherOrg, "paid");
    var foreign = api.as(otherToken).post(messages, Map.of("text", "hi"));
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(foreign.at("/error/message")).isEqualTo("the token belongs to another org");

    var nobody = api.as(null).post(messages, Map.of("text", "hi"));
    assertThat(nobody.status()).isEqualTo(401);
    var stranger = api.as("stk_made-up").post(messages, Map.of("text", "hi"));
    assertThat(stranger.status()).isEqualTo(401);

    assertThat(rows()).as("messages and runs written by refused requests").isEqualTo(before);
  }

  @Test
  void aRevokedTokenStopsWorkingAtOnce() {
    var created = admin.post("/api/" + org + "/tokens", Map.of("name", "short-lived", "tier", "paid"));
    String doomed = created.at("/token");
    var api = admin.as(doomed);
    assertThat(api.get("/api/" + org + "/threads").status()).isEqualTo(200);
    assertThat(admin.delete("/api/" + org + "/tokens/" + created.at("/id")).status()).isEqualTo(204);
    var refused = api.get("/api/" + org + "/threads");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.at("/error/message")).contains("revoked");
    assertThat(admin.delete("/api/" + org + "/tokens/" + created.at("/id")).status()).isEqualTo(404);
  }

  @Test
  void tokensAreRateLimitedByTierWithRetryAfter() {
    String anonymous = Platform.token(admin, org, "anonymous");
    var api = admin.as(anonymous);
    String thread = Platform.thread(api, org);
    for (int i = 0; i < 10; i++) {
      assertThat(api.post("/api/" + org + "/threads/" + thread + "/messages", Map.of("text", "m" + i)).status()).isEqualTo(202);
    }
    int before = rows();
    var limited = api.post("/api/" + org + "/threads/" + thread + "/messages", Map.of("text", "one too many"));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.at("/error/code")).isEqualTo("rate_limited");
    assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 60);
    assertThat(rows()).isEqualTo(before);
    // The admin token is not limited.
    assertThat(admin.post("/api/" + org + "/threads/" + thread + "/messages", Map.of("text", "admin")).status()).isEqualTo(202);
  }

  @Test
  void queueDepthPerLaneIsInTheMetrics() {
    var metrics = admin.as(null).get("/metrics");
    assertThat(metrics.text()).contains("studio_queue_depth{lane=\"paid\"}").contains("studio_queue_depth{lane=\"anonymous\"}")
        .contains("studio_worker_capacity");
  }

  /** What a posted message writes: the user's message and its run (answers arrive on their own). */
  private static int rows() {
    Integer count = runtime.datastores().postgres().jdbi().withHandle(h ->
        h.createQuery("select (select count(*) from messages where role = 'user') + (select count(*) from runs)").mapTo(Integer.class).one());
    return count;
  }
}
