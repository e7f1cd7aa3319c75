package dev.studio.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.runtime.Role;
import dev.studio.runtime.testing.EventStream;
import dev.studio.runtime.testing.Platform;
import dev.studio.runtime.testing.PrivateServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SSE surface of DESIGN §5.4 against real NATS JetStream. */
class StreamTest {
  static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void eventsCarryIdsInOrderAndKeepalivesFlowWhenIdle() {
    try (var platform = Platform.create()) {
      var runtime = platform.start(Role.all);
      var admin = platform.admin(runtime);
      String org = Platform.org(admin);
      String thread = Platform.thread(admin, org);
      try (var stream = new EventStream(url(admin.base(), org, thread), Platform.ADMIN, null)) {
        String run = Platform.post(admin, org, thread, "/tool echo {\"text\": \"hi\"}");
        stream.awaitType(run, "run.completed", WAIT);
        var types = stream.events(run).stream().map(EventStream.Event::type).toList();
        assertThat(types).containsSubsequence("run.queued", "run.started", "tool.call", "tool.result", "message.delta",
            "message.completed", "run.completed");
        var ids = stream.events().stream().map(EventStream.Event::id).toList();
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        var completed = stream.events(run).stream().filter(e -> e.type().equals("message.completed")).findFirst().orElseThrow();
        assertThat(completed.data().get("text").asText()).isEqualTo("Tool echo returned: hi");
        // Idle: comments keep the connection open.
        long comments = stream.comments().stream().filter("keepalive"::equals).count();
        sleep(3500);
        assertThat(stream.comments().stream().filter("keepalive"::equals).count()).isGreaterThan(comments);
      }
    }
  }

  @Test
  void aViewerResumingWithLastEventIdGetsTheRestExactlyOnceAndALateViewerGetsItAll() {
    try (var platform = Platform.create()) {
      var runtime = platform.start(Role.all);
      var admin = platform.admin(runtime);
      String org = Platform.org(admin);
      String thread = Platform.thread(admin, org);
      String url = url(admin.base(), org, thread);
      String run;
      List<EventStream.Event> seenBefore;
      try (var first = new EventStream(url, Platform.ADMIN, null)) {
        run = Platform.post(admin, org, thread, "/slow 100 one two three four five six seven eight");
        first.await(e -> e.type().equals("message.delta") && e.data().get("text").asText().startsWith("three"), WAIT);
        seenBefore = first.events();
      }
      long lastSeen = seenBefore.get(seenBefore.size() - 1).id();
      try (var resumed = new EventStream(url, Platform.ADMIN, lastSeen)) {
        resumed.awaitType(run, "run.completed", WAIT);
        List<EventStream.Event> all = new ArrayList<>(seenBefore);
        all.addAll(resumed.events());
        assertThat(all.stream().map(EventStream.Event::id).toList()).doesNotHaveDuplicates().isSorted();
        assertThat(resumed.events().get(0).id()).isGreaterThan(lastSeen);
        String text = all.stream().filter(e -> e.type().equals("message.delta")).map(e -> e.data().get("text").asText())
            .reduce("", String::concat);
        assertThat(text).isEqualTo("Echo: one two three four five six seven eight");
      }
      // Someone opening the thread after the run ended sees all of it.
      try (var late = new EventStream(url, Platform.ADMIN, null)) {
        late.awaitType(run, "run.completed", WAIT);
        assertThat(late.events(run).get(0).type()).isEqualTo("run.queued");
      }
    }
  }

  @Test
  void manyViewersOfAThreadEachGetEveryEvent() {
    try (var platform = Platform.create()) {
      var runtime = platform.start(Role.all);
      var admin = platform.admin(runtime);
      String org = Platform.org(admin);
      String thread = Platform.thread(admin, org);
      List<EventStream> viewers = new ArrayList<>();
      try {
        for (int i = 0; i < 60; i++) {
          viewers.add(new EventStream(url(admin.base(), org, thread), Platform.ADMIN, null));
        }
        sleep(500);
        String run = Platform.post(admin, org, thread, "hello everyone");
        for (EventStream viewer : viewers) {
          viewer.awaitType(run, "run.completed", WAIT);
        }
        var reference = viewers.get(0).events(run).stream().map(EventStream.Event::id).toList();
        assertThat(reference).hasSizeGreaterThan(4);
        for (EventStream viewer : viewers) {
          assertThat(viewer.events(run).stream().map(EventStream.Event::id).toList()).isEqualTo(reference);
        }
      } finally {
        viewers.forEach(EventStream::close);
      }
    }
  }

  @Test
  void natsRestartedMidStreamLosesAndRepeatsNothingForAResumingClient() {
    try (var nats = new PrivateServers.Nats(); var platform = Platform.create(Map.of("NATS_URL", nats.url()))) {
      var runtime = platform.start(Role.all);
      var admin = platform.admin(runtime);
      String org = Platform.org(admin);
      String thread = Platform.thread(admin, org);
      String url = url(admin.base(), org, thread);
      List<EventStream.Event> received = new ArrayList<>();
      String run;
      try (var before = new EventStream(url, Platform.ADMIN, null)) {
        run = Platform.post(admin, org, thread, "/slow 250 alpha beta gamma delta epsilon zeta eta theta iota kappa");
        before.await(e -> e.type().equals("message.delta") && e.data().get("text").asText().startsWith("beta"), WAIT);
        nats.stop();
        sleep(1500); // the run goes on producing output while NATS is away
        received.addAll(before.events());
      }
      nats.restart();
      long lastSeen = received.get(received.size() - 1).id();
      try (var after = new EventStream(url, Platform.ADMIN, lastSeen)) {
        after.awaitType(run, "run.completed", WAIT);
        received.addAll(after.events());
      }
      var ids = received.stream().map(EventStream.Event::id).toList();
      assertThat(ids).doesNotHaveDuplicates().isSorted();
      String text = received.stream().filter(e -> e.type().equals("message.delta")).map(e -> e.data().get("text").asText())
          .reduce("", String::concat);
      assertThat(text).isEqualTo("Echo: alpha beta gamma delta epsilon zeta eta theta iota kappa");
      assertThat(received.stream().filter(e -> e.type().equals("run.completed")).count()).isEqualTo(1);
      assertThat(received.stream().filter(e -> e.type().equals("run.started")).count()).isEqualTo(1);
    }
  }

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

  static String url(String base, String org, String thread) {
    return base + "/api/" + org + "/threads/" + thread + "/stream";
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A worker that ended a run in PostgreSQL and died before NATS took the terminal event: the
   * sweeper publishes it, once, and records that it did. A run that ended normally is recorded as
   * published without that help.
   */
  @Test
  void aRunsEndReachesItsStreamEvenIfTheProcessThatEndedItDied() throws Exception {
    try (var platform = Platform.create();
        var db = java.sql.DriverManager.getConnection(platform.database().jdbcUrl())) {
      var api = platform.start(Role.api);
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      String thread = Platform.thread(admin, org);
      String orphan = Platform.post(admin, org, thread, "ended, but nobody said so");
      try (var update = db.prepareStatement("update runs set state = 'completed', attempt = 1, started_at = now() - interval '30 s', "
          + "finished_at = now() - interval '20 s', end_published = false where id = ?::uuid")) {
        update.setString(1, orphan);
        assertThat(update.executeUpdate()).isEqualTo(1);
      }
      try (var stream = new EventStream(url(admin.base(), org, thread), Platform.ADMIN, null)) {
        platform.start(Role.worker);
        stream.awaitType(orphan, "run.completed", WAIT);
        String normal = Platform.post(admin, org, thread, "an ordinary run");
        stream.awaitType(normal, "run.completed", WAIT);
        sleep(1500);
        assertThat(stream.events(orphan).stream().filter(e -> e.type().equals("run.completed")).count()).isEqualTo(1);
        assertThat(stream.events(normal).stream().filter(e -> e.type().equals("run.completed")).count()).isEqualTo(1);
      }
      try (var query = db.prepareStatement("select count(*) from runs where not end_published");
          var rows = query.executeQuery()) {
        rows.next();
        assertThat(rows.getInt(1)).as("runs whose end is not recorded as published").isZero();
      }
    }
  }
}
