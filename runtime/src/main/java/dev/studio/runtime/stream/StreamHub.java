package dev.studio.runtime.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamSubscription;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every thread feed of this process. Viewers of one thread share one JetStream consumer, so ten
 * thousand viewers of a thread cost NATS one subscription. A feed with no viewers is closed after
 * a minute.
 */
public final class StreamHub implements AutoCloseable {
  static final Duration LINGER = Duration.ofMinutes(1);
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private volatile boolean closing;
  private final Connection nats;
  /**
   * The threads that deliver events and write them to viewers' sockets: a thread with ten thousand
   * viewers keeps its dispatcher busy for a quarter of a second per event, so threads are spread
   * over a few, and a busy one holds up only the threads that share its dispatcher.
   */
  private final Dispatcher[] dispatchers;
  private final ConcurrentHashMap<UUID, ThreadFeed> feeds = new ConcurrentHashMap<>();
  private final ScheduledExecutorService janitor = Executors.newSingleThreadScheduledExecutor(r -> {
    var thread = new Thread(r, "stream-hub-janitor");
    thread.setDaemon(true);
    return thread;
  });

  public StreamHub(dev.studio.runtime.datastore.Nats natsStore, MeterRegistry metrics) {
    this.nats = natsStore.connection();
    natsStore.onReconnect(() -> feeds.values().forEach(ThreadFeed::catchUp));
    this.dispatchers = new Dispatcher[Math.max(2, Runtime.getRuntime().availableProcessors())];
    for (int i = 0; i < dispatchers.length; i++) {
      dispatchers[i] = this.nats.createDispatcher();
    }
    Gauge.builder("studio.stream.feeds", feeds, ConcurrentHashMap::size).register(metrics);
    Gauge.builder("studio.stream.viewers", feeds, f -> f.values().stream().mapToInt(ThreadFeed::viewerCount).sum()).register(metrics);
    janitor.scheduleAtFixedRate(this::closeIdleFeeds, 15, 15, TimeUnit.SECONDS);
    janitor.scheduleAtFixedRate(this::keepalive, 250, 250, TimeUnit.MILLISECONDS);
  }

  /**
   * A viewer of the thread that has seen up to {@code lastSeq} (0 for everything). Events older
   * than the feed keeps in memory are replayed from the stream into it first.
   */
  public Viewer watch(UUID thread, long lastSeq) throws Exception {
    var viewer = new Viewer(lastSeq);
    if (closing) {
      // Shutting down: a client that reconnects now is told so at once, and tries again elsewhere.
      viewer.close();
      return viewer;
    }
    ThreadFeed feed = feed(thread);
    boolean ringCovers = feed.attach(viewer, lastSeq);
    while (feeds.get(thread) != feed) {
      // The janitor closed this feed just now: attach to its successor.
      feed.detach(viewer);
      feed = feed(thread);
      ringCovers = feed.attach(viewer, lastSeq);
    }
    if (!ringCovers) {
      // Rare: the viewer is further behind than the feed remembers. Replay the gap, then the ring.
      var ring = feed.ringSnapshot();
      long upTo = ring.isEmpty() ? Long.MAX_VALUE : ring.get(0).seq() - 1;
      for (StreamEvent event : replay(thread, lastSeq + 1, upTo)) {
        viewer.offer(event);
      }
      ring.forEach(viewer::offer);
    }
    return viewer;
  }

  public void unwatch(UUID thread, Viewer viewer) {
    var feed = feeds.get(thread);
    if (feed != null) {
      feed.detach(viewer);
    }
  }

  private ThreadFeed feed(UUID thread) throws Exception {
    try {
      return feeds.computeIfAbsent(thread, t -> {
        try {
          return new ThreadFeed(t, nats, dispatchers[Math.floorMod(t.hashCode(), dispatchers.length)]);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
    } catch (IllegalStateException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** Events of the thread with sequence in [from, to], read once from the stream. */
  private List<StreamEvent> replay(UUID thread, long from, long to) throws Exception {
    List<StreamEvent> events = new ArrayList<>();
    var options = PullSubscribeOptions.builder()
        .stream(Streams.STREAM)
        .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(from)
            .inactiveThreshold(Duration.ofSeconds(30)).build())
        .build();
    JetStreamSubscription subscription = nats.jetStream().subscribe(Streams.subject(thread), options);
    try {
      while (true) {
        var batch = subscription.fetch(256, Duration.ofMillis(500));
        if (batch.isEmpty()) {
          return events;
        }
        for (var message : batch) {
          long seq = message.metaData().streamSequence();
          if (seq > to) {
            return events;
          }
          String data = new String(message.getData(), StandardCharsets.UTF_8);
          String type = JSON.readTree(data).path("type").asText("message");
          events.add(StreamEvent.of(seq, type, data));
          message.ack();
        }
      }
    } finally {
      subscription.unsubscribe();
    }
  }

  private void keepalive() {
    long now = System.nanoTime();
    try {
      feeds.values().forEach(feed -> feed.keepalive(now));
    } catch (RuntimeException e) {
      // A connection in a state no one expected must not stop the keepalives of every other one.
      org.slf4j.LoggerFactory.getLogger(StreamHub.class).warn("stream keepalive: {}", e.toString());
    }
  }

  private void closeIdleFeeds() {
    long now = System.nanoTime();
    feeds.forEach((thread, feed) -> {
      if (feed.viewerCount() == 0 && now - feed.idleSince > LINGER.toNanos()) {
        if (feeds.remove(thread, feed)) {
          feed.close();
        }
      }
    });
  }

  /** Ends every viewer's stream (shutdown): clients reconnect elsewhere with Last-Event-ID. */
  public void closeViewers() {
    closing = true;
    feeds.values().forEach(ThreadFeed::closeViewers);
  }

  @Override
  public void close() {
    janitor.shutdownNow();
    closeViewers();
    feeds.values().forEach(ThreadFeed::close);
    for (Dispatcher dispatcher : dispatchers) {
      nats.closeDispatcher(dispatcher);
    }
  }
}
