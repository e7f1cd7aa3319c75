package dev.studio.daemon.events;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An append-only stream of events that keeps its most recent events up to a byte bound, so a reader that
 * reconnects with the last id it saw gets what it missed, then follows live.
 *
 * <p>Readers never slow the writer: each has a bounded queue and one that falls that far behind is dropped
 * (it may reconnect and resume from its last id).
 */
public final class ReplayLog {
  private final long maxBytes;
  private final int maxSubscribers;
  private final int subscriberQueue;
  private final ArrayDeque<StreamEvent> retained = new ArrayDeque<>();
  private final Set<Subscription> subscribers = ConcurrentHashMap.newKeySet();
  private long retainedBytes;
  private long lastId;
  private boolean closed;

  public ReplayLog(long maxBytes, int maxSubscribers, int subscriberQueue) {
    this.maxBytes = maxBytes;
    this.maxSubscribers = maxSubscribers;
    this.subscriberQueue = subscriberQueue;
  }

  /** Appends an event; after {@link #close()} nothing is appended and {@code null} is returned. */
  public synchronized StreamEvent append(String type, String data) {
    if (closed) {
      return null;
    }
    StreamEvent event = new StreamEvent(++lastId, type, data);
    retained.addLast(event);
    retainedBytes += event.weight();
    while (retainedBytes > maxBytes && retained.size() > 1) {
      retainedBytes -= retained.removeFirst().weight();
    }
    for (Subscription subscription : subscribers) {
      if (!subscription.offer(event)) {
        subscribers.remove(subscription);
      }
    }
    return event;
  }

  /**
   * Follows the log from after {@code afterId}: the retained events after it are replayed first.
   * {@code afterId} of {@link Long#MAX_VALUE} means "live only".
   */
  public synchronized Subscription subscribe(long afterId) throws TooManySubscribersException {
    if (subscribers.size() >= maxSubscribers) {
      throw new TooManySubscribersException(maxSubscribers);
    }
    List<StreamEvent> replay = new ArrayList<>();
    long oldest = retained.isEmpty() ? lastId + 1 : retained.peekFirst().id();
    for (StreamEvent event : retained) {
      if (event.id() > afterId) {
        replay.add(event);
      }
    }
    boolean complete = afterId == Long.MAX_VALUE || afterId >= oldest - 1;
    Subscription subscription = new Subscription(this, replay, complete, subscriberQueue);
    if (closed) {
      subscription.end();
    } else {
      subscribers.add(subscription);
    }
    return subscription;
  }

  /** No more events will come: readers get what is queued for them, then the end. */
  public synchronized void close() {
    closed = true;
    subscribers.forEach(Subscription::end);
    subscribers.clear();
  }

  public synchronized long lastId() {
    return lastId;
  }

  public synchronized List<StreamEvent> retained() {
    return List.copyOf(retained);
  }

  public int subscriberCount() {
    return subscribers.size();
  }

  void unsubscribe(Subscription subscription) {
    subscribers.remove(subscription);
  }
}
