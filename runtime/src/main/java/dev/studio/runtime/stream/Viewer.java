package dev.studio.runtime.stream;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One SSE client's buffer between the thread's feed and its connection. Bounded: a client that
 * falls {@link #CAPACITY} events behind is cut off instead of slowing everyone, and resumes with
 * Last-Event-ID, missing nothing.
 */
public final class Viewer {
  public static final int CAPACITY = 1000;

  private final ArrayDeque<StreamEvent> events = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private long lastSeq;
  private boolean overflowed;
  private boolean closed;

  public Viewer(long lastSeq) {
    this.lastSeq = lastSeq;
  }

  /** Called by the feed, in stream order; events at or before the last one handed over are skipped. */
  void offer(StreamEvent event) {
    lock.lock();
    try {
      if (closed || event.seq() <= lastSeq) {
        return;
      }
      if (events.size() >= CAPACITY) {
        overflowed = true;
        arrived.signalAll();
        return;
      }
      events.add(event);
      lastSeq = event.seq();
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The next event, or null if none arrived within {@code timeoutMillis} (time for a keepalive). */
  public StreamEvent next(long timeoutMillis) throws InterruptedException {
    lock.lock();
    try {
      long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      while (events.isEmpty() && !overflowed && !closed && nanos > 0) {
        nanos = arrived.awaitNanos(nanos);
      }
      return events.poll();
    } finally {
      lock.unlock();
    }
  }

  /** True once the client fell too far behind: serve what it has, then end the stream. */
  public boolean overflowed() {
    lock.lock();
    try {
      return overflowed && events.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /** Ends the viewer (server shutting down). */
  public void close() {
    lock.lock();
    try {
      closed = true;
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public boolean closed() {
    lock.lock();
    try {
      return closed && events.isEmpty();
    } finally {
      lock.unlock();
    }
  }
}
