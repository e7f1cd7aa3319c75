package dev.studio.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.runtime.Role;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dispatch against the real PostgreSQL and Redis: order, fairness, capacity, lanes, admission. */
class DispatchTest {
  Platform platform;

  @BeforeEach
  void create() {
    platform = Platform.create();
  }

  @AfterEach
  void close() {
    platform.close();
  }

  @Test
  void runsOfAThreadExecuteOneAtATimeInOrder() {
    var runtime = platform.start(Role.all, Map.of("STUDIO_MAX_CONCURRENT_RUNS", "8"));
    var api = platform.admin(runtime);
    String org = Platform.org(api);
    String thread = Platform.thread(api, org);
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      runs.add(Platform.post(api, org, thread, "/slow 20 message " + i));
    }
    List<Api.Response> done = new ArrayList<>();
    for (String run : runs) {
      done.add(Platform.awaitRun(api, org, run, Duration.ofSeconds(60)));
    }
    for (int i = 1; i < done.size(); i++) {
      Instant previousEnd = Instant.parse(done.get(i - 1).at("/finishedAt"));
      Instant start = Instant.parse(done.get(i).at("/startedAt"));
      assertThat(start).as("run %d starts after run %d ended", i, i - 1).isAfterOrEqualTo(previousEnd);
      assertThat(done.get(i).json().get("seq").asLong()).isEqualTo(i + 1);
      // The model saw every earlier message and answer, then this run's message.
      assertThat(done.get(i).json().at("/steps/0/input/messages").asInt()).as("messages run %d saw", i).isEqualTo(2 * i + 1);
    }
    // Each follow-up saw the conversation so far, in order: the previous answers came before it.
    var messages = api.get("/api/" + org + "/threads/" + thread + "/messages").json().get("messages");
    assertThat(messages).hasSize(16);
    assertThat(messages.get(15).get("text").asText()).isEqualTo("Echo: message 7");
  }

  @Test
  void aFloodInOneLaneDoesNotStarveTheOthers() {
    // Everything is queued first (an api without workers), then one worker with one slot drains it.
    var api = platform.start(Role.api, Map.of("STUDIO_RATE_LIMITS", "anonymous=1000/0"));
    var admin = platform.admin(api);
    String org = Platform.org(admin);
    var anonymous = admin.as(Platform.token(admin, org, "anonymous"));
    var paid = admin.as(Platform.token(admin, org, "paid"));
    // Each run on a thread of its own, so only the lanes order them (a run's lane is its poster's tier).
    List<String> flood = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      flood.add(Platform.post(anonymous, org, Platform.thread(anonymous, org), "flood " + i));
    }
    List<String> paying = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      paying.add(Platform.post(paid, org, Platform.thread(paid, org), "paid " + i));
    }
    platform.start(Role.worker, Map.of("STUDIO_MAX_CONCURRENT_RUNS", "1"));
    for (String run : paying) {
      Platform.awaitRun(admin, org, run, Duration.ofSeconds(60));
    }
    for (String run : flood) {
      Platform.awaitRun(admin, org, run, Duration.ofSeconds(60));
    }
    List<Api.Response> all = new ArrayList<>();
    flood.forEach(r -> all.add(admin.get("/api/" + org + "/runs/" + r)));
    paying.forEach(r -> all.add(admin.get("/api/" + org + "/runs/" + r)));
    all.sort(Comparator.comparing(r -> Instant.parse(r.at("/startedAt"))));
    List<Integer> paidPositions = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).at("/lane").equals("paid")) {
        paidPositions.add(i);
      }
    }
    // Round robin over the two non-empty lanes: the 4 paid runs are among the first 8 started,
    // not behind the 40 anonymous ones queued before them.
    assertThat(paidPositions).allSatisfy(p -> assertThat(p).isLessThan(8));
  }

  @Test
  void aWorkerRunsAtMostItsCapacityAtOnce() {
    var runtime = platform.start(Role.all, Map.of("STUDIO_MAX_CONCURRENT_RUNS", "2"));
    var api = platform.admin(runtime);
    String org = Platform.org(api);
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      runs.add(Platform.post(api, org, Platform.thread(api, org), "/slow 60 a b c d"));
    }
    List<Api.Response> done = new ArrayList<>();
    for (String run : runs) {
      done.add(Platform.awaitRun(api, org, run, Duration.ofSeconds(60)));
    }
    int maxOverlap = 0;
    for (Api.Response probe : done) {
      Instant at = Instant.parse(probe.at("/startedAt")).plusMillis(1);
      int overlap = 0;
      for (Api.Response other : done) {
        if (!Instant.parse(other.at("/startedAt")).isAfter(at) && Instant.parse(other.at("/finishedAt")).isAfter(at)) {
          overlap++;
        }
      }
      maxOverlap = Math.max(maxOverlap, overlap);
    }
    assertThat(maxOverlap).isEqualTo(2);
  }

  @Test
  void workersTakeOnlyFromTheQueuesTheyListenOn() {
    var api = platform.start(Role.api);
    var admin = platform.admin(api);
    String org = Platform.org(admin);
    var paid = admin.as(Platform.token(admin, org, "paid"));
    var registered = admin.as(Platform.token(admin, org, "registered"));
    String paidRun = Platform.post(paid, org, Platform.thread(paid, org), "for the paid pool");
    String otherRun = Platform.post(registered, org, Platform.thread(registered, org), "for someone else");
    platform.start(Role.worker, Map.of("STUDIO_LISTEN_QUEUES", "paid"));
    assertThat(Platform.awaitRun(admin, org, paidRun, Duration.ofSeconds(30)).at("/state")).isEqualTo("completed");
    sleep(1500);
    assertThat(admin.get("/api/" + org + "/runs/" + otherRun).at("/state")).isEqualTo("queued");
    var queues = admin.get("/api/internal/queues");
    assertThat(queues.json().at("/lanes/registered/queued").asLong()).isEqualTo(1);
    assertThat(queues.json().at("/workers/0/lanes").toString()).isEqualTo("[\"paid\"]");
  }

  @Test
  void aFullQueueTurnsCheaperTiersAwayFirstWithRetryAfter() {
    // No workers, and room for 10 queued runs: anonymous stops at 60 %, paid at 80 %.
    var api = platform.start(Role.api, Map.of("STUDIO_QUEUE_FLOOR", "10", "STUDIO_RATE_LIMITS", "anonymous=100/0"));
    var admin = platform.admin(api);
    String org = Platform.org(admin);
    var anonymous = admin.as(Platform.token(admin, org, "anonymous"));
    var paid = admin.as(Platform.token(admin, org, "paid"));
    int accepted = 0;
    Api.Response refused = null;
    for (int i = 0; i < 10; i++) {
      var response = anonymous.post("/api/" + org + "/threads/" + Platform.thread(anonymous, org) + "/messages", Map.of("text", "m"));
      if (response.status() == 202) {
        accepted++;
        sleep(600); // let the backpressure figures refresh
      } else {
        refused = response;
        break;
      }
    }
    assertThat(accepted).isEqualTo(6);
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.header("Retry-After")).isEqualTo("5");
    assertThat(refused.at("/error/code")).isEqualTo("unavailable");
    // A paying customer still gets in.
    assertThat(paid.post("/api/" + org + "/threads/" + Platform.thread(paid, org) + "/messages", Map.of("text", "m")).status()).isEqualTo(202);
  }

  @Test
  void aCancelledRunEndsCancelledAndItsThreadMovesOn() {
    var runtime = platform.start(Role.all);
    var api = platform.admin(runtime);
    String org = Platform.org(api);
    String thread = Platform.thread(api, org);
    String slow = Platform.post(api, org, thread, "/slow 300 one two three four five six seven eight nine ten");
    String next = Platform.post(api, org, thread, "after the cancelled one");
    awaitState(api, org, slow, "running");
    var cancelled = api.post("/api/" + org + "/runs/" + slow + "/cancel", Map.of());
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.at("/state")).isEqualTo("cancelled");
    assertThat(Platform.awaitRun(api, org, next, Duration.ofSeconds(20)).at("/state")).isEqualTo("completed");
    assertThat(api.get("/api/" + org + "/runs/" + slow).at("/state")).isEqualTo("cancelled");
    var again = api.post("/api/" + org + "/runs/" + slow + "/cancel", Map.of());
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.at("/error/message")).contains("already ended (cancelled)");
  }

  /**
   * Stop pressed while a side-effecting tool is in flight: the run ends cancelled, and neither the
   * worker nor recovery (after the lease would have lapsed) runs that tool call again.
   */
  @Test
  void aCancelledRunsInFlightToolCallIsNotRepeated() throws Exception {
    var runtime = platform.start(Role.all);
    var api = platform.admin(runtime);
    String org = Platform.org(api);
    String thread = Platform.thread(api, org);
    String run = Platform.post(api, org, thread, "/tool remember {\"text\": \"only once\", \"delayMillis\": 1500}");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!api.get("/api/" + org + "/runs/" + run).text().contains("\"kind\":\"tool\"") && System.nanoTime() < deadline) {
      sleep(20);
    }
    assertThat(api.post("/api/" + org + "/runs/" + run + "/cancel", Map.of()).at("/state")).isEqualTo("cancelled");

    // Well past the tool's delay and the 3 s lease: what recovery would have resumed, it has not.
    sleep(7_000);
    var ended = api.get("/api/" + org + "/runs/" + run);
    assertThat(ended.at("/state")).isEqualTo("cancelled");
    var toolSteps = new ArrayList<Integer>();
    ended.json().path("steps").forEach(step -> {
      if (step.path("kind").asText().equals("tool")) {
        toolSteps.add(step.path("attempt").asInt());
      }
    });
    assertThat(toolSteps).containsExactly(1);
    var jdbi = Jdbi.create(platform.database().jdbcUrl());
    int notes = jdbi.withHandle(h -> h.createQuery("select count(*) from notes where run_id = cast(? as uuid)").bind(0, run)
        .mapTo(Integer.class).one());
    assertThat(notes).isLessThanOrEqualTo(1);
  }

  static void awaitState(Api api, String org, String run, String state) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (state.equals(api.get("/api/" + org + "/runs/" + run).at("/state"))) {
        return;
      }
      sleep(20);
    }
    throw new AssertionError("run " + run + " never became " + state);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
