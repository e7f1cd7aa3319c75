package dev.studio.runtime.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run lanes as a worker's source of work. Claims rotate over the lanes the worker listens on,
 * so a flood in one lane does not starve the others. Each claimed run is watched while it runs: its
 * lease is renewed (or taken again if Redis lost it), and a cancellation or a lost lease tells the
 * agent loop to stop.
 */
public final class RunSource implements WorkSource {
  private static final Logger log = LoggerFactory.getLogger(RunSource.class);

  private final RunQueue queue;
  private final RunExecutor executor;
  private final List<Lane> lanes;
  private final String worker;
  private final Duration lease;
  private final Duration markerTtl;
  private final Map<UUID, Active> active = new ConcurrentHashMap<>();
  private final Counter claimed;
  private final MeterRegistry metrics;
  private int rotation;
  private volatile boolean claiming = true;
  private volatile String stopAll;

  /** A run this worker is executing. */
  private static final class Active {
    final RunQueue.Claim claim;
    volatile String stop;

    Active(RunQueue.Claim claim) {
      this.claim = claim;
    }
  }

  public RunSource(RunQueue queue, RunExecutor executor, List<Lane> lanes, String worker, Duration lease, MeterRegistry metrics) {
    this.queue = queue;
    this.executor = executor;
    this.lanes = List.copyOf(lanes);
    this.worker = worker;
    this.lease = lease;
    this.markerTtl = lease.multipliedBy(4);
    this.metrics = metrics;
    this.claimed = Counter.builder("studio.runs.claimed").register(metrics);
  }

  @Override
  public String name() {
    return "runs";
  }

  @Override
  public List<String> wakeKeys() {
    return lanes.stream().map(l -> queue.keys().wake(l)).toList();
  }

  @Override
  public Optional<Runnable> claim() {
    return claim(1).stream().findFirst();
  }

  @Override
  public synchronized List<Runnable> claim(int max) {
    if (!claiming) {
      return List.of();
    }
    List<Lane> order = new ArrayList<>(lanes.size());
    for (int i = 0; i < lanes.size(); i++) {
      order.add(lanes.get((rotation + i) % lanes.size()));
    }
    var claims = queue.claim(order, UUID.randomUUID().toString(), lease, max);
    if (claims.isEmpty()) {
      return List.of();
    }
    // Next time, start with the lane after the last one served now.
    rotation = (lanes.indexOf(claims.get(claims.size() - 1).run().lane()) + 1) % lanes.size();
    claimed.increment(claims.size());
    return claims.stream().<Runnable>map(claim -> () -> execute(claim)).toList();
  }

  private void execute(RunQueue.Claim claim) {
    var run = new Active(claim);
    active.put(claim.run().run(), run);
    long start = System.nanoTime();
    try {
      var disposition = executor.execute(claim.run(), new RunExecutor.Control() {
        @Override
        public void markStarted() {
          queue.markStarted(claim, worker, markerTtl);
        }

        @Override
        public String stopReason() {
          return run.stop != null ? run.stop : stopAll;
        }
      });
      if (disposition == RunExecutor.Disposition.FINISHED) {
        queue.finish(claim);
      } else {
        queue.release(claim);
      }
    } catch (InterruptedException e) {
      queue.release(claim);
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // PostgreSQL or Redis failed under us: let go, the reaper hands the run on.
      log.warn("run {} stopped on an error, handing it back: {}", claim.run().run(), e.getMessage());
      try {
        queue.release(claim);
      } catch (RuntimeException ignored) {
        // Redis is down too: the lease lapses by itself.
      }
    } finally {
      active.remove(claim.run().run());
      Timer.builder("studio.runs.execution").register(metrics).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  /** Renews the lease of every run in flight; stops those whose lease another worker holds. */
  public void renewLeases() {
    for (Active run : active.values()) {
      try {
        switch (queue.renew(run.claim, lease, markerTtl)) {
          case RENEWED -> { }
          case GONE -> {
            // Redis lost the lock (restart, flush): take it again unless someone already has.
            if (!queue.relock(run.claim, lease)) {
              run.stop = "lease_lost";
            }
          }
          case LOST -> run.stop = "lease_lost";
        }
      } catch (RuntimeException e) {
        log.warn("cannot renew the lease of run {}: {}", run.claim.run().run(), e.getMessage());
      }
    }
  }

  /** Tells a run this worker executes to stop (it was cancelled). */
  public void cancel(UUID run) {
    var found = active.get(run);
    if (found != null) {
      found.stop = "cancelled";
    }
  }

  /** Claims no more runs (shutdown begins); the ones in flight go on. */
  public void stopClaiming() {
    claiming = false;
  }

  /** Tells every run in flight to stop with {@code reason} (the grace is running out). */
  public void stopRunning(String reason) {
    stopAll = reason;
  }

  public int running() {
    return active.size();
  }
}
