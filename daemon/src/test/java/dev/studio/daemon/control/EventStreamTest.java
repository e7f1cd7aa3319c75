package dev.studio.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.daemon.testing.RunningDaemon;
import dev.studio.daemon.testing.SseEvent;
import dev.studio.daemon.testing.SseReader;
import dev.studio.daemon.testing.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /events}: ids on every event, resuming with Last-Event-ID, keepalive comments on a quiet stream. */
class EventStreamTest {
  @TempDir
  static Path dir;
  static RunningDaemon daemon;

  @BeforeAll
  static void start() {
    Tools.requireNodeGitBash();
    daemon = RunningDaemon.start(dir, Duration.ofMillis(200));
  }

  @AfterAll
  static void stop() {
    daemon.close();
  }

  @Test
  void aClientResumesAfterTheLastEventItSawWithNothingLostOrRepeated() throws Exception {
    SseEvent first;
    try (SseReader events = daemon.stream("/_sandbox/events", null)) {
      daemon.post("/_sandbox/write", Map.of("path", "one.txt", "content", "1"));
      first = events.await("file.changed", data -> data.path("path").asText().equals("one.txt"), Duration.ofSeconds(5));
    }
    // Disconnected: these happen while nobody listens.
    daemon.post("/_sandbox/write", Map.of("path", "two.txt", "content", "2"));
    daemon.post("/_sandbox/write", Map.of("path", "three.txt", "content", "3"));

    try (SseReader resumed = daemon.stream("/_sandbox/events", first.id())) {
      SseEvent two = resumed.await("file.changed", data -> true, Duration.ofSeconds(5));
      SseEvent three = resumed.await("file.changed", data -> true, Duration.ofSeconds(5));
      assertThat(two.data().path("path").asText()).isEqualTo("two.txt");
      assertThat(three.data().path("path").asText()).isEqualTo("three.txt");
      assertThat(Long.parseLong(two.id())).isEqualTo(Long.parseLong(first.id()) + 1);
      assertThat(Long.parseLong(three.id())).isEqualTo(Long.parseLong(two.id()) + 1);
    }
  }

  @Test
  void aQuietStreamCarriesKeepaliveComments() throws Exception {
    try (SseReader events = daemon.stream("/_sandbox/events", null)) {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
          .until(() -> events.comments().contains("keepalive"));
    }
  }

  @Test
  void aMalformedLastEventIdIsRefused() {
    var reply = daemon.exchange(java.net.http.HttpRequest.newBuilder(daemon.control("/_sandbox/events"))
        .header("Authorization", "Bearer " + daemon.token())
        .header("Last-Event-ID", "yesterday").GET().build());
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorField()).isEqualTo("Last-Event-ID");
  }
}
