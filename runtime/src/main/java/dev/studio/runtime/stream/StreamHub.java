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
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StreamHub.class);
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
   * A viewer of the thread that has seen up to {@code lastSeq} (0 for everything). It is sent what
   * it missed first: from the feed's ring, and if it is further behind than that, from the stream,
   * up to {@link Viewer#CAPACITY} events a connection (it resumes for the rest). It goes live only
   * once it has caught up with the ring, so no live event can overtake what it missed.
   */
  public Viewer watch(UUID thread, long lastSeq) throws Exception {
    var viewer = new Viewer(lastSeq);
    if (closing) {
      // Shutting down: a client that reconnects now is told so at once, and tries again elsewhere.
      viewer.close();
      return viewer;
    }
    int replayed = 0;
    long after = lastSeq;
    while (true) {
      ThreadFeed feed = feed(thread);
      if (feed.attachIfCovered(viewer, after)) {
        if (feeds.get(thread) == feed) {
          return viewer;
        }
        feed.detach(viewer); // the janitor closed this feed just now: attach to its successor
        continue;
      }
      if (replayed >= Viewer.CAPACITY || viewer.ending()) {
        viewer.cut();
        return viewer;
      }
      long ringStart = feed.firstSeqInRing();
      var missed = replay(thread, after + 1, ringStart - 1, Viewer.CAPACITY - replayed);
      missed.forEach(viewer::backlog);
      replayed += missed.size();
      // Nothing left in the stream before the ring (aged out): the ring is where the thread starts now.
      after = missed.isEmpty() ? ringStart - 1 : missed.get(missed.size() - 1).seq();
    }
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

  /** Up to {@code limit} events of the thread with sequence in [from, to], read once from the stream. */
  private List<StreamEvent> replay(UUID thread, long from, long to, int limit) throws Exception {
    List<StreamEvent> events = new ArrayList<>();
    var options = PullSubscribeOptions.builder()
        .stream(Streams.STREAM)
        .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(from)
            .inactiveThreshold(Duration.ofSeconds(30)).build())
        .build();
    JetStreamSubscription subscription = nats.jetStream().subscribe(Streams.subject(thread), options);
    try {
      while (events.size() < limit) {
        var batch = subscription.fetch(Math.min(256, limit - events.size()), Duration.ofMillis(500));
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
          if (seq == to) {
            return events;
          }
        }
      }
      return events;
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
      log.warn("stream keepalive: {}", e.toString());
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
