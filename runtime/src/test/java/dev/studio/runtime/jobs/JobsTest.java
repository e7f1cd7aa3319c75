package dev.studio.runtime.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.runtime.Role;
import dev.studio.runtime.testing.Platform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Background jobs on a Redis stream with a consumer group, against the real Redis. */
class JobsTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A handler that records what it did and fails as told. */
  static final class Recorder implements JobHandler {
    final String kind;
    final List<String> done = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    final int failFirst;
    final List<String> log;

    Recorder(String kind, int failFirst, List<String> log) {
      this.kind = kind;
      this.failFirst = failFirst;
      this.log = log;
    }

    @Override
    public String kind() {
      return kind;
    }

    @Override
    public void handle(Job job) {
      String name = job.payload().path("name").asText();
      int attempt = attempts.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
      if (attempt <= failFirst) {
        throw new IllegalStateException("failing on purpose, attempt " + attempt);
      }
      done.add(name);
      log.add(java.time.Instant.now() + " job:" + name);
    }
  }

  @Test
  void aJobRunsOnceItsHandlerSucceedsAndADuplicateSubmissionIsDropped() {
    var log = new CopyOnWriteArrayList<String>();
    var reports = new Recorder("report", 0, log);
    try (var platform = Platform.create()) {
      var runtime = platform.start(Role.all, Map.of(), List.of(reports));
      var jobs = runtime.jobs();
      assertThat(jobs.submit("report", JSON.createObjectNode().put("name", "daily"), "report:2026-11-21")).isPresent();
      assertThat(jobs.submit("report", JSON.createObjectNode().put("name", "daily again"), "report:2026-11-21")).isEmpty();
      assertThat(jobs.submit("report", JSON.createObjectNode().put("name", "adhoc"), null)).isPresent();
      await(() -> reports.done.size() == 2);
      sleep(500);
      assertThat(reports.done).containsExactlyInAnyOrder("daily", "adhoc");
    }
  }

  @Test
  void aFailedJobIsReclaimedAndRetriedAndOneThatKeepsFailingIsBuried() {
    var log = new CopyOnWriteArrayList<String>();
    var flaky = new Recorder("flaky", 1, log);
    var broken = new Recorder("broken", Integer.MAX_VALUE, log);
    try (var platform = Platform.create(Map.of("STUDIO_JOB_RECLAIM_SECONDS", "1"))) {
      var runtime = platform.start(Role.worker, Map.of(), List.of(flaky, broken));
      var jobs = runtime.jobs();
      jobs.submit("flaky", JSON.createObjectNode().put("name", "second time lucky"), null);
      jobs.submit("broken", JSON.createObjectNode().put("name", "never"), null);
      await(() -> flaky.done.contains("second time lucky"));
      assertThat(flaky.attempts.get("second time lucky").get()).isEqualTo(2);
      await(() -> jobs.deadCount() == 1);
      assertThat(broken.attempts.get("never").get()).isEqualTo(JobSource.MAX_DELIVERIES);
    }
  }

  @Test
  void workersAlternateBetweenRunsAndJobs() {
    var log = new CopyOnWriteArrayList<String>();
    var chores = new Recorder("chore", 0, log);
    try (var platform = Platform.create()) {
      // Queue runs and jobs while nobody works, then one worker with one slot takes them.
      var api = platform.start(Role.api);
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      List<String> runs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        runs.add(Platform.post(admin, org, Platform.thread(admin, org), "/slow 50 run " + i));
      }
      for (int i = 0; i < 6; i++) {
        api.jobs().submit("chore", JSON.createObjectNode().put("name", "chore " + i), null);
      }
      var worker = platform.start(Role.worker, Map.of("STUDIO_MAX_CONCURRENT_RUNS", "1"), List.of(chores));
      await(() -> chores.done.size() == 6);
      for (String run : runs) {
        Platform.awaitRun(admin, org, run, Duration.ofSeconds(30));
      }
      // A timeline of what the worker did: neither kind waited for the other to drain.
      List<String> timeline = new ArrayList<>(log);
      for (String run : runs) {
        timeline.add(admin.get("/api/" + org + "/runs/" + run).at("/startedAt") + " run:" + run);
      }
      timeline.sort(java.util.Comparator.comparing(l -> java.time.Instant.parse(l.substring(0, l.indexOf(' ')))));
      var firstSix = timeline.subList(0, 6);
      assertThat(firstSix.stream().filter(l -> l.contains(" job:")).count()).as("%s", timeline).isBetween(2L, 4L);
      assertThat(worker.config().maxConcurrentRuns()).isEqualTo(1);
    }
  }

  static void await(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      sleep(20);
    }
    throw new AssertionError("timed out");
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
