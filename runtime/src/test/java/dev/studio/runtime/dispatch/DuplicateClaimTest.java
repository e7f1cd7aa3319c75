package dev.studio.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.runtime.Role;
import dev.studio.runtime.StudioRuntime;
import dev.studio.runtime.stream.EventPublisher;
import dev.studio.runtime.stream.RunEnds;
import dev.studio.runtime.testing.Platform;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A worker frozen past its lease (CPU starvation) and the worker the reaper handed its run to
 * both hold a claim on the same run, and the two claims share one payload in Redis: finishing one
 * removes every in-flight entry of the run. However the two ends interleave, the run's thread must
 * not stay held by a run that has ended, or the thread's next message would wait for nothing.
 */
class DuplicateClaimTest {
  private static final List<Lane> LANES = List.of(Lane.values());
  private static final Duration LEASE = Duration.ofSeconds(30);

  /** The frozen worker finished the run; the other still holds its lock. */
  private record Duplicated(RunQueue.Claim frozen, RunQueue.Claim duplicate) {}

  @Test
  void theSweeperDoesNotHoldAThreadForARunTheOtherClaimFinished() throws Exception {
    try (var platform = Platform.create()) {
      var api = platform.start(Role.api);
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      String thread = Platform.thread(admin, org);
      Platform.post(admin, org, thread, "first");
      var claims = duplicateThenFinishOne(platform, api);

      // What the sweeper does with a snapshot taken while the run was running: the other worker
      // has the lock, but the run is no longer in flight, so the thread is not held for it.
      assertThat(api.queue().holdThreadIfLocked(claims.duplicate().run())).isFalse();
      assertThat(api.queue().active(claims.frozen().run().thread())).as("the thread's holder").isEmpty();
      String second = Platform.post(admin, org, thread, "second");
      assertThat(api.queue().claim(LANES, "third-worker", LEASE)).map(c -> c.run().run().toString()).contains(second);
    }
  }

  @Test
  void aThreadHeldForARunWhoseOtherClaimLetGoIsHandedOnByTheReaper() throws Exception {
    try (var platform = Platform.create()) {
      var api = platform.start(Role.api);
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      String thread = Platform.thread(admin, org);
      Platform.post(admin, org, thread, "first");
      var claims = duplicateThenFinishOne(platform, api);
      var queue = api.queue();
      // However it came about, the ended run holds the thread again; then the worker with the
      // other claim fails (PostgreSQL timed out under it) and lets go.
      queue.restoreActive(claims.frozen().run().thread(), claims.frozen().run().run());
      queue.release(claims.duplicate());

      EventPublisher nothing = (t, type, data, id, acknowledged) -> { };
      var stores = api.stores();
      var ends = new RunEnds(nothing, stores.runs());
      try {
        new Reaper(queue, stores.runs(), stores.journal(), nothing, ends, new SimpleMeterRegistry()).reap();
      } finally {
        ends.close();
      }

      assertThat(queue.active(claims.frozen().run().thread())).as("the thread's holder").isEmpty();
      String second = Platform.post(admin, org, thread, "second");
      assertThat(queue.claim(LANES, "third-worker", LEASE)).map(c -> c.run().run().toString()).contains(second);
    }
  }

  /**
   * Claims the thread's run, lets the claim's lease lapse, has the reaper hand the run on and a
   * second worker claim it; then the first worker wakes up and completes the run, which its
   * attempt still owned.
   */
  private static Duplicated duplicateThenFinishOne(Platform platform, StudioRuntime api) throws Exception {
    var queue = api.queue();
    var frozen = queue.claim(LANES, "frozen-worker", LEASE).orElseThrow();
    api.datastores().redis().connection().sync().del(queue.keys().lock(frozen.run().run()));
    assertThat(queue.requeue(frozen.run())).isTrue();
    var duplicate = queue.claim(LANES, "second-worker", LEASE).orElseThrow();
    assertThat(duplicate.run()).isEqualTo(frozen.run());

    try (var db = java.sql.DriverManager.getConnection(platform.database().jdbcUrl(), "postgres", "");
        var ended = db.prepareStatement("update runs set state = 'completed', finished_at = now() where id = ?")) {
      ended.setObject(1, frozen.run().run());
      assertThat(ended.executeUpdate()).isEqualTo(1);
    }
    queue.finish(frozen);
    return new Duplicated(frozen, duplicate);
  }
}
