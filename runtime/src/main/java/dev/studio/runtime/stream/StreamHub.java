package dev.studio.runtime.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamInfoOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
  /** Events read from the stream at a time for a viewer catching up. */
  static final int PAGE = 1000;
  /** How long a viewer catching up may take nothing before it is cut off. */
  static final Duration STALLED = Duration.ofSeconds(30);

  private volatile boolean closing;
  private final Connection nats;
  /**
   * The threads that deliver events and write them to viewers' sockets: a thread with ten thousand
   * viewers keeps its dispatcher busy for a quarter of a second per event, so threads are spread
   * over a few, and a busy one holds up only the threads that share its dispatcher.
   */
  private final Dispatcher[] dispatchers;
  private final ConcurrentHashMap<UUID, ThreadFeed> feeds = new ConcurrentHashMap<>();
  /** Viewers being sent what they missed from the stream, not attached to a feed yet. */
  private final Set<Viewer> catchingUp = ConcurrentHashMap.newKeySet();
  private final JetStreamManagement management;
  private final ScheduledExecutorService janitor = Executors.newSingleThreadScheduledExecutor(r -> {
    var thread = new Thread(r, "stream-hub-janitor");
    thread.setDaemon(true);
    return thread;
  });

  public StreamHub(dev.studio.runtime.datastore.Nats natsStore, MeterRegistry metrics) {
    this.nats = natsStore.connection();
    try {
      this.management = nats.jetStreamManagement();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    natsStore.onReconnect(() -> feeds.values().forEach(ThreadFeed::catchUp));
    this.dispatchers = new Dispatcher[Math.max(2, Runtime.getRuntime().availableProcessors())];
    for (int i = 0; i < dispatchers.length; i++) {
      dispatchers[i] = this.nats.createDispatcher();
    }
    Gauge.builder("studio.stream.feeds", feeds, ConcurrentHashMap::size).register(metrics);
    Gauge.builder("studio.stream.viewers", feeds,
        f -> catchingUp.size() + f.values().stream().mapToInt(ThreadFeed::viewerCount).sum()).register(metrics);
    janitor.scheduleAtFixedRate(this::closeIdleFeeds, 15, 15, TimeUnit.SECONDS);
    janitor.scheduleAtFixedRate(this::keepalive, 250, 250, TimeUnit.MILLISECONDS);
  }

  /**
   * A viewer of the thread that has seen up to {@code lastSeq} (0 for everything). It is sent what
   * it missed first, and only then goes live, so no live event can overtake what it missed: from
   * the feed's ring if the feed covers it, at once; if it is further behind, from the stream first,
   * a page at a time as the client takes them ({@link #catchUp}).
   */
  public Viewer watch(UUID thread, long lastSeq) throws Exception {
    var viewer = new Viewer(lastSeq);
    if (closing) {
      // Shutting down: a client that reconnects now is told so at once, and tries again elsewhere.
      viewer.close();
      return viewer;
    }
    if (!attach(thread, viewer, lastSeq)) {
      catchingUp.add(viewer);
      Thread.ofVirtual().name("stream-catch-up-" + thread).start(() -> catchUp(thread, viewer, lastSeq));
    }
    return viewer;
  }

  /** Attaches the viewer to the thread's feed if the feed has everything after {@code after}. */
  private boolean attach(UUID thread, Viewer viewer, long after) throws Exception {
    while (true) {
      ThreadFeed feed = feed(thread);
      if (!feed.attachIfCovered(viewer, after)) {
        return false;
      }
      if (feeds.get(thread) != feed) {
        feed.detach(viewer); // the janitor closed this feed just now: attach to its successor
        continue;
      }
      if (viewer.ending()) {
        feed.detach(viewer); // its request ended while it caught up: unwatch found nothing to detach
      }
      return true;
    }
  }

  /**
   * Sends a viewer the events between its Last-Event-ID and what the feed covers, from the stream,
   * a page at a time: the next page is read once the client has taken most of the last one, so a
   * viewer far behind holds at most two pages however long the thread. Then it goes live. A client
   * that takes nothing for {@link #STALLED} is cut off, and resumes later with Last-Event-ID.
   */
  private void catchUp(UUID thread, Viewer viewer, long after) {
    try {
      while (!viewer.ending() && !attach(thread, viewer, after)) {
        long coveredAfter = feed(thread).coveredAfter();
        var page = replay(thread, after + 1, coveredAfter, PAGE);
        page.forEach(viewer::backlog);
        // Nothing left in the stream before what the feed covers (aged out): start from there.
        after = page.isEmpty() ? coveredAfter : page.get(page.size() - 1).seq();
        if (!viewer.awaitBacklogAtMost(PAGE / 2, STALLED)) {
          viewer.cut();
        }
      }
    } catch (InterruptedException e) {
      viewer.cut();
    } catch (Exception e) {
      log.warn("cannot send thread {} to a viewer catching up: {}", thread, e.toString());
      viewer.cut(); // it resumes with Last-Event-ID, perhaps from another server
    } finally {
      catchingUp.remove(viewer);
    }
  }

  public void unwatch(UUID thread, Viewer viewer) {
    viewer.gone();
    var feed = feeds.get(thread);
    if (feed != null) {
      feed.detach(viewer);
    }
  }

  private ThreadFeed feed(UUID thread) throws Exception {
    try {
      return feeds.computeIfAbsent(thread, t -> {
        try {
          return new ThreadFeed(t, nats, dispatchers[Math.floorMod(t.hashCode(), dispatchers.length)], history(t));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
    } catch (IllegalStateException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** What the stream holds of the thread: its newest event, and how many it has. */
  private ThreadFeed.History history(UUID thread) throws IOException, JetStreamApiException {
    String subject = Streams.subject(thread);
    long newest;
    try {
      newest = management.getLastMessage(Streams.STREAM, subject).getSeq();
    } catch (JetStreamApiException e) {
      if (e.getErrorCode() == 404) {
        return ThreadFeed.History.NONE; // a new thread: no event yet
      }
      throw e;
    }
    long count = management.getStreamInfo(Streams.STREAM, StreamInfoOptions.filterSubjects(subject)).getStreamState()
        .getSubjectMap().getOrDefault(subject, 0L);
    return new ThreadFeed.History(newest, count);
  }

  /**
   * Up to {@code limit} events of the thread with sequence in [from, to], read once from the
   * stream. Iterated, not fetched in batches: a fetch short of its batch waits out its whole
   * timeout, and the last page of a catch-up always is short. The wait only runs out when the stream
   * has nothing more up to {@code to} (aged out); it is long, so that a busy moment is not taken
   * for that, and events skipped.
   */
  private List<StreamEvent> replay(UUID thread, long from, long to, int limit) throws Exception {
    List<StreamEvent> events = new ArrayList<>();
    var options = PullSubscribeOptions.builder()
        .stream(Streams.STREAM)
        .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(from)
            .ackPolicy(AckPolicy.None).inactiveThreshold(Duration.ofSeconds(30)).build())
        .build();
    JetStreamSubscription subscription = nats.jetStream().subscribe(Streams.subject(thread), options);
    try {
      var messages = subscription.iterate(limit, Duration.ofSeconds(5));
      while (events.size() < limit && messages.hasNext()) {
        var message = messages.next();
        long seq = message.metaData().streamSequence();
        if (seq > to) {
          break;
        }
        var stored = StreamEvent.stored(seq, message.getData());
        if (stored.isPresent()) {
          events.add(stored.get());
        } else {
          log.warn("skipping a malformed event {} on thread {}", seq, thread);
        }
        if (seq == to) {
          break;
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
      catchingUp.forEach(viewer -> viewer.keepalive(now));
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
    catchingUp.forEach(Viewer::close);
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
