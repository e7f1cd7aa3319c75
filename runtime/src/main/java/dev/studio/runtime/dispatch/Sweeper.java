package dev.studio.runtime.dispatch;

import dev.studio.runtime.datastore.Redis;
import dev.studio.runtime.store.Run;
import dev.studio.runtime.store.RunStore;
import io.lettuce.core.SetArgs;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds Redis to PostgreSQL: every run PostgreSQL says is queued, Redis must know; if Redis lost it
 * (a restart without persistence, a flush), it is queued again, in its thread's order. A run that
 * PostgreSQL says is running but nobody holds a lease on, two sweeps in a row, is queued to be
 * resumed. One sweeper at a time, across the platform.
 */
public final class Sweeper {
  private static final Logger log = LoggerFactory.getLogger(Sweeper.class);
  static final int BATCH = 10_000;

  private final RunQueue queue;
  private final RunStore runs;
  private final Redis redis;
  private final String worker;
  private final Duration interval;
  private final Counter restored;
  private Set<UUID> unlockedLastTime = Set.of();

  public Sweeper(RunQueue queue, RunStore runs, Redis redis, String worker, Duration interval, MeterRegistry metrics) {
    this.queue = queue;
    this.runs = runs;
    this.redis = redis;
    this.worker = worker;
    this.interval = interval;
    this.restored = Counter.builder("studio.runs.swept").register(metrics);
  }

  public void sweep() {
    String lock = redis.connection().sync().set(queue.keys().sweeper(), worker, SetArgs.Builder.nx().px(interval.toMillis() / 2));
    if (!"OK".equals(lock)) {
      return;
    }
    List<Run> unfinished = runs.unfinished(BATCH);
    Set<UUID> unlockedNow = new HashSet<>();
    int requeued = 0;
    for (Run run : unfinished) {
      var queued = new QueuedRun(run.id(), run.threadId(), run.lane());
      if (run.state() == Run.State.running) {
        if (queue.locked(run.id())) {
          // A worker has it: make sure its thread's later runs wait behind it.
          queue.restoreActive(run.threadId(), run.id());
          continue;
        }
        unlockedNow.add(run.id());
        if (!unlockedLastTime.contains(run.id())) {
          queue.restoreActive(run.threadId(), run.id());
          continue; // give its worker a renewal period to take its lock again
        }
      }
      if (queue.enqueue(queued) != RunQueue.Enqueued.ALREADY_KNOWN) {
        requeued++;
      }
    }
    unlockedLastTime = unlockedNow;
    if (requeued > 0) {
      restored.increment(requeued);
      log.info("sweeper queued {} runs Redis had lost", requeued);
    }
  }
}
