package dev.studio.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.runtime.Role;
import dev.studio.runtime.store.Run;
import dev.studio.runtime.stream.EventPublisher;
import dev.studio.runtime.stream.RunEnds;
import dev.studio.runtime.testing.Platform;
import dev.studio.runtime.testing.PrivateServers;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Redis holds nothing that cannot be rebuilt: after a FLUSHALL (on a Redis of this test's own)
 * every run PostgreSQL knows is queued again, in its thread's order, and completes.
 */
class RedisLossTest {

  @Test
  void afterFlushallEveryQueuedRunStillCompletesInOrder() {
    try (var redis = new PrivateServers.Redis(); var platform = Platform.create(Map.of("REDIS_URL", redis.url()))) {
      var api = platform.start(Role.api);
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      List<String> runs = new ArrayList<>();
      List<String> inOrder = new ArrayList<>();
      String sharedThread = Platform.thread(admin, org);
      for (int i = 0; i < 5; i++) {
        inOrder.add(Platform.post(admin, org, sharedThread, "in order " + i));
        runs.add(Platform.post(admin, org, Platform.thread(admin, org), "alone " + i));
      }
      runs.addAll(inOrder);
      var client = RedisClient.create(redis.url());
      try (var connection = client.connect()) {
        assertThat(connection.sync().dbsize()).isPositive();
        connection.sync().flushall();
        assertThat(connection.sync().dbsize()).isZero();
      } finally {
        client.shutdown();
      }

      platform.start(Role.worker);
      for (String run : runs) {
        assertThat(Platform.awaitRun(admin, org, run, Duration.ofSeconds(40)).at("/state")).isEqualTo("completed");
      }
      // The shared thread's runs still ran one at a time, in the order they were posted.
      for (int i = 1; i < inOrder.size(); i++) {
        var previous = admin.get("/api/" + org + "/runs/" + inOrder.get(i - 1));
        var current = admin.get("/api/" + org + "/runs/" + inOrder.get(i));
        assertThat(Instant.parse(current.at("/startedAt"))).isAfterOrEqualTo(Instant.parse(previous.at("/finishedAt")));
      }
    }
  }

  /**
   * The sweeper works from a snapshot of PostgreSQL; a run that ends after it was taken must not
   * hold its thread again, or the thread's next message would wait forever.
   */
  @Test
  void aRunThatEndedNeverHoldsItsThreadAgain() {
    try (var platform = Platform.create()) {
      var api = platform.start(Role.api);
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      String thread = Platform.thread(admin, org);
      String first = Platform.post(admin, org, thread, "first");
      var queue = api.queue();
      var claim = queue.claim(List.of(Lane.values()), "test-worker", Duration.ofSeconds(30)).orElseThrow();
      assertThat(claim.run().run().toString()).isEqualTo(first);
      assertThat(queue.holdThreadIfLocked(claim.run())).isTrue();
      queue.finish(claim);

      // What the sweeper does with its stale view of the first run: nothing.
      assertThat(queue.holdThreadIfLocked(claim.run())).isFalse();
      String second = Platform.post(admin, org, thread, "second");
      var next = queue.claim(List.of(Lane.values()), "test-worker", Duration.ofSeconds(30));
      assertThat(next).map(c -> c.run().run().toString()).contains(second);
    }
  }

  /**
   * Under load, runs end while the sweeper works through its snapshot of PostgreSQL, and Redis
   * forgets them as they end. Such a run is not queued again (claimed only to be dropped) nor
   * reported as one Redis had lost; a run Redis did lose still is.
   */
  @Test
  void aRunThatEndedSinceTheSnapshotIsNotQueuedAgain() throws Exception {
    try (var platform = Platform.create()) {
      var api = platform.start(Role.api);
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      var ended = UUID.fromString(Platform.post(admin, org, Platform.thread(admin, org), "ends during the sweep"));
      var lost = UUID.fromString(Platform.post(admin, org, Platform.thread(admin, org), "lost by Redis"));
      var runs = api.stores().runs();
      var snapshot = runs.unfinished(100, Duration.ZERO);
      assertThat(snapshot).extracting(Run::id).containsExactlyInAnyOrder(ended, lost);

      var queue = api.queue();
      var claim = queue.claim(List.of(Lane.values()), "test-worker", Duration.ofSeconds(30)).orElseThrow();
      assertThat(claim.run().run()).isEqualTo(ended);
      var started = runs.start(ended, "test-worker", "dev/echo").orElseThrow().run();
      assertThat(runs.complete(ended, started.attempt(), 0, "{}", "done")).isTrue();
      queue.finish(claim);
      var lostRun = snapshot.stream().filter(r -> r.id().equals(lost)).findFirst().orElseThrow();
      var redis = api.datastores().redis().connection().sync();
      var payload = new QueuedRun(lost, lostRun.threadId(), lostRun.lane()).payload();
      redis.lrem(queue.keys().queue(lostRun.lane()), 0, payload);
      redis.srem(queue.keys().known(), lost.toString());
      redis.del(queue.keys().active(lostRun.threadId()));
      assertThat(queue.unknown(List.of(ended, lost))).containsExactlyInAnyOrder(ended, lost);

      EventPublisher nothing = (t, type, data, id, acknowledged) -> { };
      var metrics = new SimpleMeterRegistry();
      var ends = new RunEnds(nothing, runs);
      try {
        new Sweeper(queue, runs, ends, api.datastores().redis(), "test-sweeper", Duration.ofSeconds(10), metrics).sweep(snapshot);
      } finally {
        ends.close();
      }

      assertThat(metrics.counter("studio.runs.swept").count()).as("runs reported lost").isEqualTo(1);
      assertThat(queue.unknown(List.of(ended, lost))).as("what Redis does not know after the sweep").containsExactly(ended);
      var next = queue.claim(List.of(Lane.values()), "test-worker", Duration.ofSeconds(30));
      assertThat(next).map(c -> c.run().run()).contains(lost);
      assertThat(queue.claim(List.of(Lane.values()), "test-worker", Duration.ofSeconds(30))).as("nothing else to claim").isEmpty();
    }
  }

  /**
   * Redis lost a running run's lock and in-flight entry (a restart, a flush): its worker takes the
   * lock again, and the entry with it, so the reaper can still hand the run on should the worker
   * die after all, and the sweeper holds the run's thread for it.
   */
  @Test
  void aRelockedRunIsInFlightAgain() {
    try (var platform = Platform.create()) {
      var api = platform.start(Role.api);
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      Platform.post(admin, org, Platform.thread(admin, org), "running when Redis forgot it");
      var queue = api.queue();
      var claim = queue.claim(List.of(Lane.values()), "test-worker", Duration.ofSeconds(30)).orElseThrow();
      var redis = api.datastores().redis().connection().sync();
      redis.del(queue.keys().lock(claim.run().run()), queue.keys().inflight(claim.run().lane()));
      assertThat(queue.holdThreadIfLocked(claim.run())).isFalse();

      assertThat(queue.relock(claim, Duration.ofSeconds(30))).isTrue();

      assertThat(queue.inflight(claim.run().lane())).containsExactly(claim.run());
      assertThat(queue.holdThreadIfLocked(claim.run())).isTrue();
      var other = new RunQueue.Claim(claim.run(), "another-worker:0");
      assertThat(queue.relock(other, Duration.ofSeconds(30))).as("a second relock").isFalse();
      assertThat(queue.inflight(claim.run().lane())).containsExactly(claim.run());
    }
  }

  /**
   * A thread left held by a run that has ended (however it came about) would keep its later runs
   * waiting forever: the sweeper sees the holder ended and hands the thread on.
   */
  @Test
  void aThreadHeldByARunThatEndedIsHandedOn() throws Exception {
    try (var platform = Platform.create()) {
      var api = platform.start(Role.api);
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      String thread = Platform.thread(admin, org);
      String first = Platform.post(admin, org, thread, "first");
      var queue = api.queue();
      var claim = queue.claim(List.of(Lane.values()), "test-worker", Duration.ofSeconds(30)).orElseThrow();
      queue.finish(claim);
      try (var db = java.sql.DriverManager.getConnection(platform.database().jdbcUrl(), "postgres", "");
          var ended = db.prepareStatement("update runs set state = 'completed', finished_at = now() where id = ?::uuid")) {
        ended.setString(1, first);
        assertThat(ended.executeUpdate()).isEqualTo(1);
      }
      // The state that must never last: the ended run still holds the thread, the next one waits.
      queue.restoreActive(claim.run().thread(), claim.run().run());
      String second = Platform.post(admin, org, thread, "second");
      assertThat(queue.claim(List.of(Lane.values()), "test-worker", Duration.ofSeconds(30))).isEmpty();

      platform.start(Role.worker);
      assertThat(Platform.awaitRun(admin, org, second, Duration.ofSeconds(40)).at("/state")).isEqualTo("completed");
    }
  }
}
