package dev.studio.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.runtime.Role;
import dev.studio.runtime.testing.Platform;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A worker with free slots claims several runs in one round trip; the batch takes the lanes in
 * turn, as single claims would, and each claimed run is locked under a token of its own.
 */
class BatchClaimTest {

  @Test
  void aBatchTakesTheLanesInTurnAndLocksEachRunApart() {
    try (var platform = Platform.create()) {
      var queue = platform.start(Role.api).queue();
      for (int i = 0; i < 3; i++) {
        queue.enqueue(new QueuedRun(UUID.randomUUID(), UUID.randomUUID(), Lane.paid));
        queue.enqueue(new QueuedRun(UUID.randomUUID(), UUID.randomUUID(), Lane.anonymous));
      }
      var claims = queue.claim(List.of(Lane.paid, Lane.anonymous), "worker-a", Duration.ofSeconds(30), 4);

      assertThat(claims).extracting(c -> c.run().lane()).containsExactly(Lane.paid, Lane.anonymous, Lane.paid, Lane.anonymous);
      assertThat(claims).extracting(RunQueue.Claim::token).doesNotHaveDuplicates().allMatch(t -> t.startsWith("worker-a:"));
      assertThat(claims).allMatch(c -> queue.locked(c.run().run()));
      // Each token renews its own run only.
      assertThat(queue.renew(claims.get(0), Duration.ofSeconds(30), Duration.ofSeconds(60))).isEqualTo(RunQueue.Renewal.RENEWED);
      var forged = new RunQueue.Claim(claims.get(1).run(), claims.get(0).token());
      assertThat(queue.renew(forged, Duration.ofSeconds(30), Duration.ofSeconds(60))).isEqualTo(RunQueue.Renewal.LOST);

      var rest = queue.claim(List.of(Lane.anonymous, Lane.paid), "worker-b", Duration.ofSeconds(30), 10);
      assertThat(rest).extracting(c -> c.run().lane()).containsExactly(Lane.anonymous, Lane.paid);
      assertThat(queue.claim(List.of(Lane.values()), "worker-c", Duration.ofSeconds(30), 10)).isEmpty();
    }
  }
}
