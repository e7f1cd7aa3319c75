package dev.studio.runtime.stream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One SSE client: the frames on their way to its connection, written by whichever thread has one
 * for it. The thread that delivers an event writes it to the socket itself when the connection can
 * take it without blocking, so an event reaches a caught-up client with no thread hand-off; a
 * client that cannot keep up gets its frames queued, and written when its connection drains.
 * Bounded: a client that falls {@link #CAPACITY} live events behind is cut off instead of slowing
 * everyone, and resumes with Last-Event-ID, missing nothing. The backlog a viewer is sent first
 * (what it missed, from the feed's ring and the stream) does not count against that bound: it is
 * read a page at a time, each once the client has taken the one before ({@link #awaitBacklogAtMost}).
 */
public final class Viewer {
  public static final int CAPACITY = 1000;
  static final Duration KEEPALIVE = Duration.ofSeconds(3);

  static final byte[] RETRY = frame("retry: 2000\n\n");
  static final byte[] KEEPALIVE_COMMENT = frame(": keepalive\n\n");
  static final byte[] TOO_FAR_BEHIND = frame(": too far behind; reconnect with Last-Event-ID\n\n");
  static final byte[] SHUTDOWN = frame("event: server.shutdown\ndata: {}\n\n");

  /** A connection written without blocking: {@link #write} and {@link #flush} only when ready. */
  public interface Connection {
    /** True if a write now completes or is taken in without blocking; if false, the connection calls back. */
    boolean ready();

    void write(byte[] bytes) throws IOException;

    void flush() throws IOException;

    /** The stream is over: complete the response. */
    void end();
  }

  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled whenever queued frames were written, or the stream ends. */
  private final Condition progressed = lock.newCondition();
  private final ArrayDeque<byte[]> events = new ArrayDeque<>();
  private Connection connection;
  private long lastSeq;
  private int backlogQueued;
  private boolean greeted;
  private boolean unflushed;
  private byte[] last;
  private boolean ending;
  private boolean ended;
  private long lastWriteNanos = System.nanoTime();

  public Viewer(long lastSeq) {
    this.lastSeq = lastSeq;
  }

  /** A live event, from the feed in stream order; events at or before the last one taken are skipped. */
  void offer(StreamEvent event) {
    add(event, false);
  }

  /** An event the viewer missed, sent before it goes live; in stream order, like {@link #offer}. */
  void backlog(StreamEvent event) {
    add(event, true);
  }

  /** Ends the stream after what is queued: the viewer is further behind than it may be sent at once. */
  void cut() {
    endUnlessEnding(TOO_FAR_BEHIND);
  }

  boolean ending() {
    lock.lock();
    try {
      return ending;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until at most {@code queued} events of the backlog wait to be written, or the stream is
   * ending. False if the client took nothing for {@code timeout}: it is stalled.
   */
  boolean awaitBacklogAtMost(int queued, Duration timeout) throws InterruptedException {
    lock.lock();
    try {
      int before = backlogQueued;
      long left = timeout.toNanos();
      while (!ending && backlogQueued > queued) {
        if (left <= 0) {
          return false;
        }
        left = progressed.awaitNanos(left);
        if (backlogQueued < before) { // progress: the stall clock starts again
          before = backlogQueued;
          left = timeout.toNanos();
        }
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Nobody will read this stream any more (its request is over): nothing more is queued. */
  void gone() {
    lock.lock();
    try {
      discard();
    } finally {
      lock.unlock();
    }
  }

  private void add(StreamEvent event, boolean missed) {
    lock.lock();
    try {
      if (ending || event.seq() <= lastSeq) {
        return;
      }
      if (!missed && events.size() - backlogQueued >= CAPACITY) {
        endWith(TOO_FAR_BEHIND);
        return;
      }
      events.add(event.frame());
      if (missed) {
        backlogQueued++;
      }
      lastSeq = event.seq();
      drain();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The connection can take more: write what is queued. Its first call connects the viewer, once
   * the response is ready for writing; until then events queue up.
   */
  public void writable(Connection connection) {
    lock.lock();
    try {
      if (this.connection == null) {
        this.connection = connection;
      }
      drain();
    } finally {
      lock.unlock();
    }
  }

  /** A comment if nothing was written for {@link #KEEPALIVE}: keeps proxies from closing the stream, finds dead clients. */
  void keepalive(long nowNanos) {
    lock.lock();
    try {
      if (ending || !greeted || !events.isEmpty() || nowNanos - lastWriteNanos < KEEPALIVE.toNanos()) {
        return;
      }
      if (connection.ready()) {
        write(KEEPALIVE_COMMENT);
        drain();
      }
    } catch (IOException e) {
      lost();
    } finally {
      lock.unlock();
    }
  }

  /** Ends the stream after what is queued (server shutting down): the client resumes elsewhere. */
  public void close() {
    endUnlessEnding(SHUTDOWN);
  }

  /** Ends the stream with {@code frame} after what is queued, unless it is ending already. */
  private void endUnlessEnding(byte[] frame) {
    lock.lock();
    try {
      if (!ending) {
        endWith(frame);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The client is gone: drop what is queued and end the response. */
  public void fail(Connection connection) {
    lock.lock();
    try {
      if (this.connection == null) {
        this.connection = connection;
      }
      lost();
    } finally {
      lock.unlock();
    }
  }

  private void endWith(byte[] frame) {
    ending = true;
    last = frame;
    progressed.signalAll();
    drain();
  }

  /** Writes what is queued while the connection takes it, then flushes; lock held. */
  private void drain() {
    if (connection == null || ended) {
      return;
    }
    int queued = events.size();
    try {
      drainQueued();
    } finally {
      if (events.size() < queued || ending) {
        progressed.signalAll();
      }
    }
  }

  private void drainQueued() {
    try {
      if (!greeted) {
        if (!connection.ready()) {
          return; // the connection calls writable() once it drained
        }
        write(RETRY);
        greeted = true;
      }
      while (!events.isEmpty()) {
        if (!connection.ready()) {
          return;
        }
        write(events.poll());
        if (backlogQueued > 0) {
          backlogQueued--; // the backlog is queued before any live event
        }
      }
      if (last != null) {
        if (!connection.ready()) {
          return;
        }
        write(last);
        last = null;
      }
      if (unflushed) {
        if (!connection.ready()) {
          return;
        }
        unflushed = false;
        connection.flush();
      }
      if (ending && connection.ready()) {
        finish();
      }
    } catch (IOException e) {
      lost();
    }
  }

  private void write(byte[] frame) throws IOException {
    connection.write(frame);
    unflushed = true;
    lastWriteNanos = System.nanoTime();
  }

  private void lost() {
    discard();
    finish();
  }

  private void discard() {
    ending = true;
    events.clear();
    backlogQueued = 0;
    last = null;
    progressed.signalAll();
  }

  private void finish() {
    if (!ended) {
      ended = true;
      connection.end();
    }
  }

  private static byte[] frame(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
