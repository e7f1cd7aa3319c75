package dev.studio.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.runtime.Role;
import dev.studio.runtime.StudioRuntime;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.EventStream;
import dev.studio.runtime.testing.Platform;
import dev.studio.runtime.testing.RuntimeProcess;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workers in processes of their own, killed with SIGKILL (no shutdown hook, no clean-up) at the
 * worst moments, and stopped with SIGTERM. Leases last 2 s here, so recovery is quick.
 */
class RecoveryTest {
  static final Duration WAIT = Duration.ofSeconds(40);

  Platform platform;
  StudioRuntime api;
  Api admin;
  String org;

  @BeforeEach
  void start() {
    platform = Platform.create(Map.of("STUDIO_RUN_LEASE_SECONDS", "2"));
    api = platform.start(Role.api);
    admin = platform.admin(api);
    org = Platform.org(admin);
  }

  @AfterEach
  void stop() {
    platform.close();
  }

  @Test
  void aWorkerKilledBeforeTheRunStartedLosesNothing() throws Exception {
    String thread = Platform.thread(admin, org);
    String run = Platform.post(admin, org, thread, "hello");
    RuntimeProcess first;
    // Hold the run's row, so the first worker claims the run and then waits to take it.
    try (var connection = DriverManager.getConnection(platform.database().jdbcUrl())) {
      connection.setAutoCommit(false);
      try (var lock = connection.prepareStatement("select 1 from runs where id = ? for update")) {
        lock.setObject(1, UUID.fromString(run));
        lock.execute();
      }
      first = platform.worker(Map.of());
      awaitTrue(() -> api.queue().locked(UUID.fromString(run)), "the first worker claims the run");
      first.kill();
      // PostgreSQL notices the dead client and aborts its waiting statement before the lock frees.
      awaitTrue(() -> blockedStatements(connection) == 0, "the dead worker's statement is aborted");
      connection.rollback();
    }
    assertThat(admin.get("/api/" + org + "/runs/" + run).at("/state")).isEqualTo("queued");

    var second = platform.worker(Map.of());
    var done = Platform.awaitRun(admin, org, run, WAIT);
    assertThat(done.at("/state")).isEqualTo("completed");
    assertThat(done.at("/worker")).isEqualTo(second.workerId());
    assertThat(done.json().get("attempt").asInt()).as("the dead worker never took it").isEqualTo(1);
    assertThat(first.workerId()).isNotEqualTo(second.workerId());
  }

  private static int blockedStatements(java.sql.Connection connection) {
    try (var query = connection.prepareStatement(
        "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
        var rows = query.executeQuery()) {
      rows.next();
      return rows.getInt(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aWorkerKilledDuringAModelStepIsResumedWithoutRepeatingFinishedSteps() {
    String thread = Platform.thread(admin, org);
    // Step 0: the model asks for `remember`; step 1: the note is written; step 2: a slow answer.
    String run = Platform.post(admin, org, thread, "/slow 400 /tool remember {\"text\": \"kept once\"}");
    var first = platform.worker(Map.of());
    awaitTrue(() -> stepStarted(run, 2), "the worker is in the model step after the tool");
    first.kill();

    platform.worker(Map.of());
    var done = Platform.awaitRun(admin, org, run, WAIT);
    assertThat(done.at("/state")).isEqualTo("completed");
    assertThat(done.json().get("attempt").asInt()).isEqualTo(2);
    assertThat(done.at("/steps/1/toolName")).isEqualTo("remember");
    assertThat(done.json().at("/steps/1/attempt").asInt()).as("the finished tool step was not run again").isEqualTo(1);
    assertThat(done.json().at("/steps/2/attempt").asInt()).as("the model step in flight was run again").isEqualTo(2);
    assertThat(api.stores().notes().countForRun(UUID.fromString(run))).isEqualTo(1);
    var messages = admin.get("/api/" + org + "/threads/" + thread + "/messages").json().get("messages");
    assertThat(messages.get(1).get("text").asText()).isEqualTo("Tool remember returned: remembered");
  }

  @Test
  void aWorkerKilledDuringASideEffectingToolEndsTheRunInterruptedAndTheToolNeverRunsTwice() {
    String thread = Platform.thread(admin, org);
    try (var events = new EventStream(admin.base() + "/api/" + org + "/threads/" + thread + "/stream", Platform.ADMIN, null)) {
      String run = Platform.post(admin, org, thread, "/tool remember {\"text\": \"at most once\", \"delayMillis\": 4000}");
      var first = platform.worker(Map.of());
      awaitTrue(() -> stepStarted(run, 1), "the worker is inside the remember tool");
      first.kill();

      platform.worker(Map.of());
      var done = Platform.awaitRun(admin, org, run, WAIT);
      assertThat(done.at("/state")).isEqualTo("interrupted");
      assertThat(done.at("/reason")).isEqualTo("worker_lost_after_start");
      var interrupted = events.awaitType(run, "run.interrupted", WAIT);
      assertThat(interrupted.data().get("reason").asText()).isEqualTo("worker_lost_after_start");
      events.await(e -> "conv.status".equals(e.type()) && run.equals(e.runId()) && "interrupted".equals(e.data().path("status").asText()), WAIT);
      // Long after the tool's delay, it has still never run (and so never twice).
      sleepMillis(4500);
      assertThat(api.stores().notes().countForRun(UUID.fromString(run))).isZero();
    }
  }

  @Test
  void sigtermFinishesWhatFitsInTheGraceAndHandsTheRestBack() {
    String quickThread = Platform.thread(admin, org);
    String longThread = Platform.thread(admin, org);
    var first = platform.worker(Map.of("SHUTDOWN_GRACE_SECONDS", "3"));
    String quick = Platform.post(admin, org, quickThread, "/slow 150 a b c d e");
    String slow = Platform.post(admin, org, longThread, "/slow 700 one two three four five six seven eight nine ten");
    DispatchTest.awaitState(admin, org, quick, "running");
    DispatchTest.awaitState(admin, org, slow, "running");
    long start = System.nanoTime();
    first.terminate();
    assertThat(first.waitFor(Duration.ofSeconds(10))).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3 + 2));

    var quickDone = admin.get("/api/" + org + "/runs/" + quick);
    assertThat(quickDone.at("/state")).as("finished within the grace").isEqualTo("completed");
    assertThat(quickDone.at("/worker")).isEqualTo(first.workerId());
    assertThat(admin.get("/api/" + org + "/runs/" + slow).at("/state")).as("handed back, not ended").isEqualTo("running");

    var second = platform.worker(Map.of());
    var slowDone = Platform.awaitRun(admin, org, slow, WAIT);
    assertThat(slowDone.at("/state")).isEqualTo("completed");
    assertThat(slowDone.at("/worker")).isEqualTo(second.workerId());
  }

  private boolean stepStarted(String run, int step) {
    var steps = admin.get("/api/" + org + "/runs/" + run).json().get("steps");
    return steps != null && steps.size() > step && steps.get(step).get("state").asText().equals("started");
  }

  static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      sleepMillis(20);
    }
    throw new AssertionError("timed out waiting until " + what);
  }

  static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
