package dev.studio.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.runtime.Role;
import dev.studio.runtime.stream.EventPublisher;
import dev.studio.runtime.stream.RunEnds;
import dev.studio.runtime.testing.Platform;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A worker frozen past its lease (CPU starvation) and the worker the reaper handed its run to
 * both hold a claim on the same run, and the two claims share one payload in Redis. However their
 * ends interleave, the run's thread must not stay held by a run that has ended: the thread's next
 * message would wait for nothing.
 */
class DuplicateClaimTest {
  private static final List<Lane> LANES = List.of(Lane.values());
  private static final Duration LEASE = Duration.ofSeconds(30);

  @Test
  void aThreadHeldForARunWhoseDuplicateLetGoIsHandedOnByTheReaper() throws Exception {
    try (var platform = Platform.create()) {
      var api = platform.start(Role.api);
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      String thread = Platform.thread(admin, org);
      String first = Platform.post(admin, org, thread, "first");
      var queue = api.queue();
      var frozen = queue.claim(LANES, "frozen-worker", LEASE).orElseThrow();
      UUID run = frozen.run().run();
      assertThat(run.toString()).isEqualTo(first);

      // The frozen worker's lease lapses; the reaper hands the run on and another worker claims it.
      api.datastores().redis().connection().sync().del(queue.keys().lock(run));
      assertThat(queue.requeue(frozen.run())).isTrue();
      var duplicate = queue.claim(LANES, "second-worker", LEASE).orElseThrow();
      assertThat(duplicate.run().run()).isEqualTo(run);

      // The frozen worker wakes up and completes the run (its attempt still owned it in PostgreSQL)...
      try (var db = java.sql.DriverManager.getConnection(platform.database().jdbcUrl(), "postgres", "");
          var ended = db.prepareStatement("update runs set state = 'completed', finished_at = now() where id = ?")) {
        ended.setObject(1, run);
        assertThat(ended.executeUpdate()).isEqualTo(1);
      }
      queue.finish(frozen);
      // ...the sweeper, from a snapshot taken while the run was running, holds the thread for the
      // worker that has the lock...
      assertThat(queue.holdThreadIfLocked(frozen.run().thread(), run)).isTrue();
      // ...and that worker fails (PostgreSQL timed out under it) and lets go.
      queue.release(duplicate);

      EventPublisher nothing = (t, type, data, id, acknowledged) -> { };
      var stores = api.stores();
      var ends = new RunEnds(nothing, stores.runs());
      try {
        new Reaper(queue, stores.runs(), stores.journal(), nothing, ends, new SimpleMeterRegistry()).reap();
      } finally {
        ends.close();
      }

      assertThat(queue.active(frozen.run().thread())).as("the thread's holder").isEmpty();
      String second = Platform.post(admin, org, thread, "second");
      assertThat(queue.claim(LANES, "third-worker", LEASE)).map(c -> c.run().run().toString()).contains(second);
    }
  }
}
