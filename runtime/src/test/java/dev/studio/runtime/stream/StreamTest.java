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
