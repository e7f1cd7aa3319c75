package dev.studio.daemon.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplayLogTest {
  @Test
  void replaysWhatCameAfterTheLastSeenIdThenFollowsLive() throws Exception {
    ReplayLog log = new ReplayLog(1024 * 1024, 10, 100);
    for (int i = 1; i <= 5; i++) {
      log.append("e", "{\"n\":" + i + "}");
    }
    try (Subscription subscription = log.subscribe(3)) {
      assertThat(subscription.replay()).extracting(StreamEvent::id).containsExactly(4L, 5L);
      assertThat(subscription.replayComplete()).isTrue();
      log.append("e", "{\"n\":6}");
      assertThat(subscription.next(Duration.ofSeconds(1)).id()).isEqualTo(6);
    }
  }

  @Test
  void keepsOnlyAsManyBytesAsAllowedAndSaysWhenReplayIsIncomplete() throws Exception {
    ReplayLog log = new ReplayLog(1000, 10, 100);
    for (int i = 1; i <= 100; i++) {
      log.append("e", "x".repeat(50));
    }
    assertThat(log.retained().stream().mapToInt(StreamEvent::weight).sum()).isLessThanOrEqualTo(1000);
    assertThat(log.retained().getLast().id()).isEqualTo(100);
    try (Subscription subscription = log.subscribe(0)) {
      assertThat(subscription.replayComplete()).isFalse();
      assertThat(subscription.replay()).isEqualTo(log.retained());
    }
  }

  @Test
  void withoutAnIdOnlyLiveEventsCome() throws Exception {
    ReplayLog log = new ReplayLog(1024, 10, 100);
    log.append("e", "{}");
    try (Subscription subscription = log.subscribe(Long.MAX_VALUE)) {
      assertThat(subscription.replay()).isEmpty();
      assertThat(subscription.next(Duration.ofMillis(10))).isNull();
      assertThat(subscription.ended()).isFalse();
    }
  }

  @Test
  void refusesReadersBeyondTheLimit() throws Exception {
    ReplayLog log = new ReplayLog(1024, 2, 100);
    try (Subscription first = log.subscribe(0); Subscription second = log.subscribe(0)) {
      assertThatThrownBy(() -> log.subscribe(0)).isInstanceOf(TooManySubscribersException.class);
      second.close();
      log.subscribe(0).close();
      assertThat(first.ended()).isFalse();
    }
  }

  @Test
  void aReaderThatFallsTooFarBehindIsDroppedAndTheWriterNeverWaits() throws Exception {
    ReplayLog log = new ReplayLog(1024 * 1024, 10, 5);
    Subscription slow = log.subscribe(Long.MAX_VALUE);
    for (int i = 0; i < 50; i++) {
      log.append("e", "{}");
    }
    int received = 0;
    while (slow.next(Duration.ofMillis(10)) != null) {
      received++;
    }
    assertThat(received).isLessThan(50);
    assertThat(slow.ended()).isTrue();
    assertThat(log.subscriberCount()).isZero();
  }

  @Test
  void closingTheLogEndsReadersAfterWhatIsQueued() throws Exception {
    ReplayLog log = new ReplayLog(1024, 10, 100);
    Subscription reader = log.subscribe(Long.MAX_VALUE);
    log.append("e", "{}");
    log.close();
    assertThat(reader.next(Duration.ofSeconds(1))).isNotNull();
    assertThat(reader.next(Duration.ofSeconds(1))).isNull();
    assertThat(reader.ended()).isTrue();
  }
}
