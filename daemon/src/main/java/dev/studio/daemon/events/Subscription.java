package dev.studio.daemon.events;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** One reader of a {@link ReplayLog}: the events it missed, then the live ones, until the log or the reader ends. */
public final class Subscription implements AutoCloseable {
  private static final StreamEvent END = new StreamEvent(-1, "", "");

  private final ReplayLog log;
  private final List<StreamEvent> replay;
  private final boolean replayComplete;
  private final BlockingQueue<StreamEvent> queue;
  private volatile boolean ended;

  Subscription(ReplayLog log, List<StreamEvent> replay, boolean replayComplete, int capacity) {
    this.log = log;
    this.replay = List.copyOf(replay);
    this.replayComplete = replayComplete;
    this.queue = new ArrayBlockingQueue<>(capacity + 1);
  }

  /** The retained events after the id the reader asked to resume from. */
  public List<StreamEvent> replay() {
    return replay;
  }

  /** False when events after the requested id had already been evicted from the log. */
  public boolean replayComplete() {
    return replayComplete;
  }

  /**
   * Waits for the next live event.
   *
   * @return the event, or {@code null} when the timeout passed or the stream ended (see {@link #ended()})
   */
  public StreamEvent next(Duration timeout) throws InterruptedException {
    if (ended && queue.isEmpty()) {
      return null;
    }
    StreamEvent event = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (event == END) {
      queue.offer(END);
      return null;
    }
    return event;
  }

  /** True once the log closed (or this reader fell too far behind) and everything queued has been taken. */
  public boolean ended() {
    return ended && (queue.isEmpty() || queue.peek() == END);
  }

  boolean offer(StreamEvent event) {
    if (ended) {
      return false;
    }
    if (queue.remainingCapacity() <= 1) {
      end();
      return false;
    }
    return queue.offer(event);
  }

  void end() {
    ended = true;
    queue.offer(END);
  }

  @Override
  public void close() {
    log.unsubscribe(this);
    end();
  }
}
