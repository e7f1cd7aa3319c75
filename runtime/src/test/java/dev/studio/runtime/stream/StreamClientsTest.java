package dev.studio.runtime.stream;

import static dev.studio.runtime.stream.StreamTest.WAIT;
import static dev.studio.runtime.stream.StreamTest.sleep;
import static dev.studio.runtime.stream.StreamTest.url;
import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.runtime.Role;
import dev.studio.runtime.testing.EventStream;
import dev.studio.runtime.testing.Platform;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How the SSE endpoint treats its clients (DESIGN §5.4): one that stops reading, one far behind,
 * one that goes away, and all of them when the server shuts down.
 */
class StreamClientsTest {
  /**
   * A client that stops reading: once its socket and its buffer of {@link Viewer#CAPACITY} events
   * are full it is cut off, told why, while another viewer of the thread gets every event as it
   * comes; resuming with the last id it read, it gets the rest exactly once.
   */
  @Test
  void aClientThatStopsReadingIsCutOffWithoutHoldingUpOthersAndResumesMissingNothing() throws Exception {
    int count = 1300; // 32 KiB each: more than the kernel's socket buffers (4 MiB here) and the viewer's 1000 events hold
    String padding = "x".repeat(32 * 1024);
    try (var platform = Platform.create(); var nats = io.nats.client.Nats.connect(platform.env(Role.api, Map.of()).get("NATS_URL"))) {
      var api = platform.start(Role.api);
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      String thread = Platform.thread(admin, org);
      String url = url(admin.base(), org, thread);
      try (var reader = new EventStream(url, Platform.ADMIN, null); var stalled = RawSse.open(url, Platform.ADMIN)) {
        var jetStream = nats.jetStream();
        for (int n = 0; n < count; n++) {
          jetStream.publish(Streams.SUBJECT_PREFIX + thread,
              ("{\"type\":\"test.tick\",\"n\":" + n + ",\"pad\":\"" + padding + "\"}").getBytes());
        }
        reader.await(e -> e.data().path("n").asInt() == count - 1, WAIT);
        assertThat(reader.events()).hasSize(count);
        assertThat(reader.ended()).as("the reading client's stream is still open").isFalse();

        var cut = stalled.readToEnd(WAIT);
        assertThat(cut.comments()).last().isEqualTo("too far behind; reconnect with Last-Event-ID");
        assertThat(cut.ids()).isSorted().doesNotHaveDuplicates().hasSizeBetween(Viewer.CAPACITY, count - 1);
        long resumeAfter = cut.ids().get(cut.ids().size() - 1);
        try (var resumed = new EventStream(url, Platform.ADMIN, resumeAfter)) {
          resumed.await(e -> e.data().path("n").asInt() == count - 1, WAIT);
          var all = new ArrayList<>(cut.ids());
          resumed.events().forEach(e -> all.add(e.id()));
          assertThat(all).as("what the cut-off client read, then what it resumed with")
              .isEqualTo(reader.events().stream().map(EventStream.Event::id).toList());
        }
      } finally {
        // 40 MiB of padding need not stay in the shared stream for its week.
        nats.jetStreamManagement().purgeStream(Streams.STREAM,
            io.nats.client.PurgeOptions.subject(Streams.SUBJECT_PREFIX + thread));
      }
    }
  }

  /**
   * A viewer resuming from further back than the feed's ring while the thread is busy: it is sent
   * what it missed from the stream, then the ring, then live events, each exactly once and in
   * order, in one connection: no live event overtakes the backlog, and the backlog does not count
   * as falling behind.
   */
  @Test
  void aViewerFarBehindOnABusyThreadGetsEverythingOnceInOrder() throws Exception {
    int before = ThreadFeed.RING + 500;
    int during = 300;
    try (var platform = Platform.create(); var nats = io.nats.client.Nats.connect(platform.env(Role.api, Map.of()).get("NATS_URL"))) {
      var api = platform.start(Role.api);
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      String thread = Platform.thread(admin, org);
      String url = url(admin.base(), org, thread);
      var jetStream = nats.jetStream();
      try (var first = new EventStream(url, Platform.ADMIN, null)) { // its feed's ring moves past the early events
        for (int n = 0; n < before; n++) {
          jetStream.publish(Streams.SUBJECT_PREFIX + thread, ("{\"type\":\"test.tick\",\"n\":" + n + "}").getBytes());
        }
        first.await(e -> e.data().path("n").asInt() == before - 1, WAIT);
        long resumeAfter = first.events().get(9).id();
        var busy = Thread.ofPlatform().start(() -> {
          for (int n = before; n < before + during; n++) {
            try {
              jetStream.publish(Streams.SUBJECT_PREFIX + thread, ("{\"type\":\"test.tick\",\"n\":" + n + "}").getBytes());
              Thread.sleep(1);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        });
        try (var resumed = new EventStream(url, Platform.ADMIN, resumeAfter)) {
          resumed.await(e -> e.data().path("n").asInt() == before + during - 1, WAIT);
          busy.join();
          first.await(e -> e.data().path("n").asInt() == before + during - 1, WAIT);
          var expected = first.events().stream().map(EventStream.Event::id).filter(id -> id > resumeAfter).toList();
          assertThat(resumed.events().stream().map(EventStream.Event::id).toList()).isEqualTo(expected);
          assertThat(resumed.ended()).as("still live: not cut off").isFalse();
        }
      } finally {
        nats.jetStreamManagement().purgeStream(Streams.STREAM, io.nats.client.PurgeOptions.subject(Streams.SUBJECT_PREFIX + thread));
      }
    }
  }

  /**
   * A client opening a long thread from its start, that reads nothing at first and then slowly: it
   * is sent the whole history in one stream, a page at a time as it reads, and then goes live. The
   * history does not count as falling behind, so it is not cut off however long the thread. A
   * client that leaves while it is being sent the history gives its place back. Both when the feed
   * reads the thread's whole history as it opens (its ring holds it), and when the thread is longer
   * and its first half older than the feed reads: that half comes from the stream, in pages.
   */
  @ParameterizedTest
  @CsvSource({"1500, false", "3000, true"})
  void aSlowClientOpeningALongThreadFromItsStartGetsAllOfItInOneStream(int count, boolean olderThanFeedReads) throws Exception {
    // 8 KiB each: more than the live events a client may fall behind on, and more than sockets hold
    String padding = "x".repeat(8 * 1024);
    String otherThread = Streams.SUBJECT_PREFIX + java.util.UUID.randomUUID();
    try (var platform = Platform.create(); var nats = io.nats.client.Nats.connect(platform.env(Role.api, Map.of()).get("NATS_URL"))) {
      var api = platform.start(Role.api);
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      String thread = Platform.thread(admin, org);
      String subject = Streams.SUBJECT_PREFIX + thread;
      var jetStream = nats.jetStream();
      try {
        long newest = 0;
        for (int n = 0; n < count; n++) {
          if (olderThanFeedReads && n == count / 2) {
            var others = new ArrayList<java.util.concurrent.CompletableFuture<?>>();
            for (int other = 0; other < ThreadFeed.RECENT; other++) {
              others.add(jetStream.publishAsync(otherThread, "{\"type\":\"test.tick\"}".getBytes()));
            }
            others.forEach(java.util.concurrent.CompletableFuture::join);
          }
          newest = jetStream.publish(subject, ("{\"type\":\"test.tick\",\"n\":" + n + ",\"pad\":\"" + padding + "\"}").getBytes())
              .getSeqno();
        }
        try (var slow = RawSse.open(url(admin.base(), org, thread), Platform.ADMIN)) {
          try (var leaving = RawSse.open(url(admin.base(), org, thread), Platform.ADMIN)) {
            sleep(2000); // their sockets fill, and the server has the rest of the thread to send
          }
          awaitViewers(admin, 1);
          var history = slow.readUntil(newest, WAIT);
          assertThat(history.comments()).as("not cut off").doesNotContain("too far behind; reconnect with Last-Event-ID");
          assertThat(history.ids()).hasSize(count).isSorted().doesNotHaveDuplicates().endsWith(newest);

          long live = jetStream.publish(subject, "{\"type\":\"test.tick\",\"n\":-1}".getBytes()).getSeqno();
          assertThat(slow.readUntil(live, WAIT).ids()).as("then live").hasSize(count + 1).endsWith(live);
        }
      } finally {
        nats.jetStreamManagement().purgeStream(Streams.STREAM, io.nats.client.PurgeOptions.subject(subject));
        nats.jetStreamManagement().purgeStream(Streams.STREAM, io.nats.client.PurgeOptions.subject(otherThread));
      }
    }
  }

  /**
   * An event in the stream that is not JSON (no platform process publishes one, but the stream is
   * NATS's, open to anything with the credentials) is skipped, live or sent from the stream to a
   * viewer catching up: that viewer still gets every other event, and is not cut off.
   */
  @Test
  void aMalformedEventIsSkippedWhereverAViewerMeetsIt() throws Exception {
    int after = ThreadFeed.RING + 100; // enough to push the malformed event out of the feed's ring
    try (var platform = Platform.create(); var nats = io.nats.client.Nats.connect(platform.env(Role.api, Map.of()).get("NATS_URL"))) {
      var api = platform.start(Role.api);
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      String thread = Platform.thread(admin, org);
      String url = url(admin.base(), org, thread);
      String subject = Streams.SUBJECT_PREFIX + thread;
      var jetStream = nats.jetStream();
      try (var live = new EventStream(url, Platform.ADMIN, null)) { // opens the thread's feed
        jetStream.publish(subject, "not json".getBytes());
        for (int n = 0; n < after; n++) {
          jetStream.publish(subject, ("{\"type\":\"test.tick\",\"n\":" + n + "}").getBytes());
        }
        live.await(e -> e.data().path("n").asInt() == after - 1, WAIT);
        try (var late = new EventStream(url, Platform.ADMIN, null)) {
          late.await(e -> e.data().path("n").asInt() == after - 1, WAIT);
          assertThat(late.events().stream().map(e -> e.data().path("n").asInt()).toList())
              .as("every well-formed event, once, in order").isEqualTo(java.util.stream.IntStream.range(0, after).boxed().toList());
          assertThat(late.ended()).as("still live: not cut off").isFalse();
        }
        assertThat(live.events()).hasSize(after);
      } finally {
        nats.jetStreamManagement().purgeStream(Streams.STREAM, io.nats.client.PurgeOptions.subject(subject));
      }
    }
  }

  /**
   * A client that goes away gives its place back, found out by the next keepalive at the latest:
   * with room for two, a third is refused (503, JSON error) until one of the two leaves.
   */
  @Test
  void aClientThatGoesAwayGivesBackItsPlace() {
    try (var platform = Platform.create(Map.of("STUDIO_MAX_STREAM_CLIENTS", "2"))) {
      var api = platform.start(Role.api);
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      String thread = Platform.thread(admin, org);
      String url = url(admin.base(), org, thread);
      try (var first = new EventStream(url, Platform.ADMIN, null); var second = new EventStream(url, Platform.ADMIN, null)) {
        awaitViewers(admin, 2);
        var refused = admin.get("/api/" + org + "/threads/" + thread + "/stream");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("unavailable");
        assertThat(refused.headers()).containsKey("retry-after");

        first.close();
        awaitViewers(admin, 1);
        try (var third = new EventStream(url, Platform.ADMIN, null)) {
          awaitViewers(admin, 2);
          String run = Platform.post(admin, org, thread, "for the ones still here");
          third.awaitType(run, "run.queued", WAIT);
          second.awaitType(run, "run.queued", WAIT);
        }
      }
    }
  }

  private static void awaitViewers(dev.studio.runtime.testing.Api admin, int count) {
    String line = "studio_stream_viewers " + count + ".0";
    long deadline = System.nanoTime() + WAIT.toNanos();
    String metrics = "";
    while (System.nanoTime() < deadline) {
      metrics = admin.as(null).get("/metrics").text();
      if (metrics.lines().anyMatch(line::equals)) {
        return;
      }
      sleep(100);
    }
    throw new AssertionError("expected " + line + " in " + metrics.lines().filter(l -> l.startsWith("studio_stream")).toList());
  }

  /** A server going down ends its streams with an event that says so, after what they were owed. */
  @Test
  void aServerShuttingDownTellsItsViewers() {
    try (var platform = Platform.create(Map.of("SHUTDOWN_GRACE_SECONDS", "2"))) {
      var api = platform.start(Role.api);
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      String thread = Platform.thread(admin, org);
      try (var stream = new EventStream(url(admin.base(), org, thread), Platform.ADMIN, null)) {
        String run = Platform.post(admin, org, thread, "queued, never run: no worker here");
        stream.awaitType(run, "run.queued", WAIT);
        api.close();
        stream.await(e -> e.type().equals("server.shutdown"), WAIT);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!stream.ended() && System.nanoTime() < deadline) {
          sleep(20);
        }
        assertThat(stream.ended()).as("the stream ended").isTrue();
        assertThat(stream.events().stream().map(EventStream.Event::type).toList()).containsExactly("run.queued", "server.shutdown");
      }
    }
  }
}
