package dev.studio.runtime.orgfs;

import dev.studio.runtime.datastore.Nats;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Wakes {@code changes?wait=1} long polls on every api process when a volume changes anywhere:
 * a core NATS message per committed change on {@code studio.orgfs.<org>.<volume>}, one
 * subscription per process fanning out to its waiters. A lost message only delays a waiter until
 * its wait ends (it then reads PostgreSQL again); after a reconnect every waiter is woken, since
 * messages may have been missed meanwhile.
 */
public final class ChangeSignals implements AutoCloseable {
  static final String PREFIX = "studio.orgfs.";

  private final Connection nats;
  private final Dispatcher dispatcher;
  private final ConcurrentHashMap<String, Set<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();
  private volatile boolean draining;

  public ChangeSignals(Nats nats) {
    this.nats = nats.connection();
    this.dispatcher = this.nats.createDispatcher(message -> wake(message.getSubject()));
    dispatcher.subscribe(PREFIX + ">");
    nats.onReconnect(() -> waiters.keySet().forEach(this::wake));
  }

  static String subject(UUID org, String volume) {
    return PREFIX + org + "." + volume;
  }

  /** Tells every process the volume changed; call after the change is committed. */
  public void changed(UUID org, String volume) {
    nats.publish(subject(org, volume), new byte[0]);
  }

  /**
   * A waiter registered <em>before</em> the caller reads the change feed, so a change committed
   * between the read and the wait still wakes it.
   */
  public Waiter waiter(UUID org, String volume) {
    String subject = subject(org, volume);
    var future = new CompletableFuture<Void>();
    if (draining) {
      // Shutting down: answer at once so the server can stop within its grace period.
      future.complete(null);
    }
    waiters.computeIfAbsent(subject, s -> ConcurrentHashMap.newKeySet()).add(future);
    return new Waiter(subject, future);
  }

  /** Releases every long poll now and from now on: the process is stopping. */
  public void drain() {
    draining = true;
    waiters.values().forEach(set -> set.forEach(f -> f.complete(null)));
  }

  private void wake(String subject) {
    var set = waiters.get(subject);
    if (set != null) {
      set.forEach(f -> f.complete(null));
    }
  }

  /** One long poll's registration. */
  public final class Waiter implements AutoCloseable {
    private final String subject;
    private final CompletableFuture<Void> future;

    private Waiter(String subject, CompletableFuture<Void> future) {
      this.subject = subject;
      this.future = future;
    }

    /** True if the volume changed within the time. */
    public boolean await(Duration timeout) throws InterruptedException {
      try {
        future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return true;
      } catch (TimeoutException e) {
        return false;
      } catch (ExecutionException e) {
        return true;
      }
    }

    @Override
    public void close() {
      waiters.computeIfPresent(subject, (s, set) -> {
        set.remove(future);
        return set.isEmpty() ? null : set;
      });
    }
  }

  @Override
  public void close() {
    nats.closeDispatcher(dispatcher);
  }
}
