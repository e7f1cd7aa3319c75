package dev.studio.runtime.dispatch;

import dev.studio.runtime.datastore.Redis;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker process's dispatcher. It claims work only while it has a free slot (of {@code
 * maxConcurrentRuns}), alternating between its sources (run lanes, background jobs); with nothing
 * to claim it blocks on the sources' wake lists instead of polling. Each unit of work runs on a
 * virtual thread. Timers renew leases, reap lapsed ones, sweep Redis against PostgreSQL and send
 * heartbeats.
 *
 * <p>Shutdown: stop claiming, let work in flight finish within the grace, then tell what is left
 * to stop and hand it back (its lease released, so another worker takes it over at once).
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final String id;
  private final int capacity;
  private final Collection<Lane> lanes;
  private final List<WorkSource> sources;
  private final RunSource runs;
  private final Reaper reaper;
  private final Sweeper sweeper;
  private final Heartbeats heartbeats;
  private final StatefulRedisConnection<String, String> blocking;
  private final Semaphore slots;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, r -> {
    var thread = new Thread(r, "worker-timers");
    thread.setDaemon(true);
    return thread;
  });
  private final Thread loop;
  private volatile boolean claiming = true;
  private int nextSource;

  /** Intervals of the worker's timers. */
  public record Timing(Duration lease, Duration reapEvery, Duration sweepEvery) {
    public static Timing forLease(Duration lease) {
      Duration reap = lease.dividedBy(3).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : lease.dividedBy(3);
      return new Timing(lease, reap.isZero() ? Duration.ofMillis(500) : reap, Duration.ofSeconds(10));
    }
  }

  public Worker(String id, int capacity, Collection<Lane> lanes, List<WorkSource> sources, RunSource runs, Reaper reaper,
      Sweeper sweeper, Heartbeats heartbeats, Redis redis, Timing timing, MeterRegistry metrics) {
    this.id = id;
    this.capacity = capacity;
    this.lanes = List.copyOf(lanes);
    this.sources = List.copyOf(sources);
    this.runs = runs;
    this.reaper = reaper;
    this.sweeper = sweeper;
    this.heartbeats = heartbeats;
    this.blocking = redis.newConnection();
    this.slots = new Semaphore(capacity);
    Gauge.builder("studio.worker.busy", slots, s -> capacity - s.availablePermits()).register(metrics);
    Gauge.builder("studio.worker.capacity", () -> capacity).register(metrics);

    long renewMillis = Math.max(100, timing.lease().toMillis() / 3);
    timers.scheduleAtFixedRate(guard("lease renewal", runs::renewLeases), renewMillis, renewMillis, TimeUnit.MILLISECONDS);
    timers.scheduleAtFixedRate(guard("reaper", reaper::reap), timing.reapEvery().toMillis(), timing.reapEvery().toMillis(), TimeUnit.MILLISECONDS);
    timers.scheduleAtFixedRate(guard("sweeper", sweeper::sweep), 1_000, timing.sweepEvery().toMillis(), TimeUnit.MILLISECONDS);
    timers.scheduleAtFixedRate(guard("heartbeat", () -> heartbeats.beat(id, capacity, lanes, this::busy)),
        0, Heartbeats.EVERY.toMillis(), TimeUnit.MILLISECONDS);
    loop = Thread.ofPlatform().name("worker-loop").start(this::loop);
  }

  /** Sends a heartbeat now, not at the next beat (what it serves changed). */
  public void beatNow() {
    try {
      timers.execute(guard("heartbeat", () -> heartbeats.beat(id, capacity, lanes, this::busy)));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Stopped: there is no more heartbeat to send.
    }
  }

  private void loop() {
    List<String> wakeKeys = new ArrayList<>();
    sources.forEach(s -> wakeKeys.addAll(s.wakeKeys()));
    String[] wake = wakeKeys.toArray(String[]::new);
    while (claiming) {
      try {
        if (!slots.tryAcquire(200, TimeUnit.MILLISECONDS)) {
          continue;
        }
        int free = 1 + slots.drainPermits();
        List<Runnable> work = claimFromAnySource(free);
        slots.release(free - work.size());
        for (Runnable unit : work) {
          executor.submit(() -> {
            try {
              unit.run();
            } finally {
              slots.release();
            }
          });
        }
        if (work.isEmpty()) {
          // Nothing anywhere: sleep until an enqueue rings, or a second passes; then ask the source
          // that rang first (one round trip sooner to the work that woke us).
          var rang = blocking.sync().blpop(1, wake);
          if (rang != null && rang.hasValue()) {
            nextSource = sourceOf(rang.getKey());
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (claiming) {
          log.warn("worker loop: {}", e.getMessage());
          sleepQuietly(500);
        }
      }
    }
  }

  /**
   * Tries every source once, starting with a different one each time (fair alternation). The
   * source tried first takes one unit; one tried after another came back empty may take up to
   * {@code free} at once: with both busy they alternate unit by unit, and with one idle the other
   * fills the free slots in one round trip.
   */
  private List<Runnable> claimFromAnySource(int free) {
    for (int i = 0; i < sources.size(); i++) {
      WorkSource source = sources.get((nextSource + i) % sources.size());
      var work = source.claim(i == 0 ? 1 : free);
      if (!work.isEmpty()) {
        nextSource = (sources.indexOf(source) + 1) % sources.size();
        return work;
      }
    }
    return List.of();
  }

  private int sourceOf(String wakeKey) {
    for (int i = 0; i < sources.size(); i++) {
      if (sources.get(i).wakeKeys().contains(wakeKey)) {
        return i;
      }
    }
    return nextSource;
  }

  /** Slots in use. */
  public int busy() {
    return capacity - slots.availablePermits();
  }

  public String id() {
    return id;
  }

  /** Claims nothing more; work in flight goes on. */
  public void stopClaiming() {
    claiming = false;
    runs.stopClaiming();
  }

  /** Stops claiming and waits for work in flight; what is left after {@code grace} is handed back. */
  public void stop(Duration grace) {
    stopClaiming();
    long deadline = System.nanoTime() + grace.toNanos();
    loop.interrupt();
    try {
      loop.join(2_000);
      while (busy() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      if (busy() > 0) {
        log.info("handing back {} runs still in flight at the end of the grace", busy());
        runs.stopRunning("shutdown");
        executor.shutdown();
        executor.awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
    timers.shutdownNow();
    try {
      heartbeats.leave(id);
    } catch (RuntimeException ignored) {
      // Redis is gone: the heartbeat goes stale by itself.
    }
    blocking.close();
  }

  @Override
  public void close() {
    stop(Duration.ZERO);
  }

  private static Runnable guard(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.warn("{}: {}", what, e.getMessage());
      }
    };
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  Collection<Lane> lanes() {
    return lanes;
  }
}
