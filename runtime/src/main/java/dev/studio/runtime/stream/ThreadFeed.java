package dev.studio.runtime.stream;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread's events in this process: a JetStream ordered consumer, a ring of the latest events,
 * and the viewers watching. A viewer that attaches gets the ring (after its Last-Event-ID) and then
 * everything live, with no gap between the two: both happen under the same lock the consumer
 * delivers under. The consumer starts at the thread's first event if the ring can hold its history,
 * and otherwise at the stream's {@link #RECENT} latest events: opening a feed never reads all of a
 * long thread, yet covers clients that reconnect a few seconds behind (after a restart, say); a
 * viewer further back than the feed covers is sent the rest from the stream first ({@link
 * StreamHub}). The history a feed reads as it opens reaches viewers as backlog, not as live events
 * they could fall behind on. Ordered consumers survive NATS restarts, resuming after the
 * last sequence they delivered.
 */
final class ThreadFeed {
  private static final Logger log = LoggerFactory.getLogger(ThreadFeed.class);
  static final int RING = 2000;
  /**
   * How far back in the stream (all threads' events) a long thread's feed starts: at 4,000 events a
   * second, a busy platform, the last 2.5 s.
   */
  static final long RECENT = 10_000;

  private final UUID thread;
  private final ArrayDeque<StreamEvent> ring = new ArrayDeque<>();
  private final Set<Viewer> viewers = ConcurrentHashMap.newKeySet();
  private final Connection nats;
  private final Dispatcher dispatcher;
  private volatile JetStreamSubscription subscription;
  private long lastSeq;
  /** The feed has every event of the thread after this sequence: in its ring, or on its way. */
  private long coveredAfter;
  /** Events up to this one were there before the feed opened: history, sent to viewers as backlog. */
  private final long historyThrough;
  volatile long idleSince = System.nanoTime();

  /** What the stream holds of a thread as its feed opens: its newest event's sequence, and how many. */
  record History(long newest, long count) {
    static final History NONE = new History(0, 0);
  }

  ThreadFeed(UUID thread, Connection nats, Dispatcher dispatcher, History history) throws Exception {
    this.thread = thread;
    this.nats = nats;
    this.dispatcher = dispatcher;
    this.historyThrough = history.newest();
    long from = history.count() > RING ? Math.max(0, history.newest() - RECENT) : 0;
    this.lastSeq = from;
    this.coveredAfter = from;
    subscription = subscribe(from);
  }

  /** An ordered consumer of the thread from the event after {@code after} on (0: from the first). */
  private JetStreamSubscription subscribe(long after) throws Exception {
    var config = after == 0
        ? ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.All)
        : ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(after + 1);
    var options = PushSubscribeOptions.builder().stream(Streams.STREAM).ordered(true).configuration(config.build()).build();
    return nats.jetStream().subscribe(Streams.subject(thread), dispatcher, this::deliver, true, options);
  }

  /**
   * After NATS came back: a fresh consumer from the last event delivered, at once, rather than
   * waiting for the old one to notice missed heartbeats.
   */
  void catchUp() {
    long after;
    synchronized (this) {
      after = lastSeq;
    }
    try {
      var old = subscription;
      subscription = subscribe(after);
      try {
        old.unsubscribe();
      } catch (RuntimeException ignored) {
        // The old consumer is gone with the old connection.
      }
    } catch (Exception e) {
      log.warn("cannot resubscribe to thread {} after a reconnect: {}", thread, e.getMessage());
    }
  }

  private void deliver(Message message) {
    long seq = message.metaData().streamSequence();
    var stored = StreamEvent.stored(seq, message.getData());
    if (stored.isEmpty()) {
      log.warn("skipping a malformed event {} on thread {}", seq, thread);
      return;
    }
    var event = stored.get();
    synchronized (this) {
      if (seq <= lastSeq) {
        return; // an old consumer and its replacement may overlap for a moment
      }
      lastSeq = seq;
      ring.add(event);
      if (ring.size() > RING) {
        coveredAfter = ring.poll().seq();
      }
      boolean old = seq <= historyThrough;
      for (Viewer viewer : viewers) {
        if (old) {
          viewer.backlog(event);
        } else {
          viewer.offer(event);
        }
      }
    }
  }

  /**
   * Attaches a viewer that has seen everything up to {@code lastSeq}, if the ring holds everything
   * after that: sends it those events and from then on every live one, with no gap between the two
   * (both happen under the lock the consumer delivers under). False, not attached, if the viewer is
   * further behind than the feed covers.
   */
  synchronized boolean attachIfCovered(Viewer viewer, long lastSeq) {
    if (lastSeq < coveredAfter) {
      return false;
    }
    for (StreamEvent event : ring) {
      viewer.backlog(event);
    }
    viewers.add(viewer);
    return true;
  }

  /** The sequence after which the feed has every event of the thread. */
  synchronized long coveredAfter() {
    return coveredAfter;
  }

  void detach(Viewer viewer) {
    viewers.remove(viewer);
    if (viewers.isEmpty()) {
      idleSince = System.nanoTime();
    }
  }

  int viewerCount() {
    return viewers.size();
  }

  void keepalive(long nowNanos) {
    viewers.forEach(viewer -> viewer.keepalive(nowNanos));
  }

  void closeViewers() {
    viewers.forEach(Viewer::close);
  }

  void close() {
    try {
      subscription.unsubscribe();
    } catch (IllegalStateException ignored) {
      // Already closed with the connection.
    }
  }
}
