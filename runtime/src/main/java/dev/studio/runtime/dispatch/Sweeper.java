package dev.studio.runtime.dispatch;

import dev.studio.runtime.datastore.Redis;
import dev.studio.runtime.store.Run;
import dev.studio.runtime.store.RunStore;
import dev.studio.runtime.stream.RunEnds;
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
 * resumed. Every ended run's terminal event must be on its stream: those NATS never acknowledged
 * are published again. One sweeper at a time, across the platform.
 */
public final class Sweeper {
  private static final Logger log = LoggerFactory.getLogger(Sweeper.class);
  static final int BATCH = 10_000;
  /** A queued run younger than this may still be on its way into Redis from its api. */
  static final Duration SETTLE = Duration.ofSeconds(2);

  private final RunQueue queue;
  private final RunStore runs;
  private final RunEnds ends;
  private final Redis redis;
  private final String worker;
  private final Duration interval;
  private final Counter restored;
  private Set<UUID> unlockedLastTime = Set.of();

  public Sweeper(RunQueue queue, RunStore runs, RunEnds ends, Redis redis, String worker, Duration interval, MeterRegistry metrics) {
    this.queue = queue;
    this.runs = runs;
    this.ends = ends;
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
    sweep(runs.unfinished(BATCH, SETTLE));
  }

  /**
   * Sweeps from {@code snapshot}, PostgreSQL's unfinished runs as they were a moment ago. By the time
   * a run is looked at below, it may have moved on. Every step is safe against that: holding a thread
   * needs the run's lock and in-flight entry, enqueueing an ended run only makes a worker drop it,
   * and a thread held for an unlocked run is handed on if the run has ended.
   */
  void sweep(List<Run> snapshot) {
    // Redis forgets a run as it ends, so a run it does not know has either been lost or ended since
    // the snapshot. PostgreSQL, asked again after Redis, tells the two apart: under load, hundreds
    // end during one sweep, and queueing them again was wasted claims and a false "Redis had lost".
    var unknown = queue.unknown(snapshot.stream().map(Run::id).toList());
    var stillUnfinished = runs.unfinishedAmong(unknown);
    List<Run> unfinished = snapshot.stream()
        .filter(r -> !unknown.contains(r.id()) || stillUnfinished.contains(r.id())).toList();
    Set<UUID> unlockedNow = new HashSet<>();
    int requeued = 0;
    int handedOn = 0;
    UUID waitingThread = null;
    UUID previousThread = null;
    Set<UUID> unfinishedIds = new HashSet<>();
    unfinished.forEach(r -> unfinishedIds.add(r.id()));
    for (Run run : unfinished) {
      if (run.threadId().equals(waitingThread)) {
        continue; // an earlier run of this thread has yet to be settled: the later ones stay behind it
      }
      var queued = new QueuedRun(run.id(), run.threadId(), run.lane());
      if (run.state() == Run.State.running) {
        if (queue.holdThreadIfLocked(queued)) {
          continue; // a worker has it
        }
        unlockedNow.add(run.id());
        if (!unlockedLastTime.contains(run.id())) {
          // Give its worker a renewal period to take its lock again, keeping its thread meanwhile.
          queue.restoreActive(run.threadId(), run.id());
          if (runs.get(run.id()).map(r -> r.state().terminal()).orElse(true)) {
            queue.finish(queued, null); // it ended since the snapshot: hand its thread on
          }
          waitingThread = run.threadId();
          continue;
        }
      }
      // Only a run Redis did not know when asked above is queued again. One it knew then and has
      // forgotten since has ended: under load the loop takes a while, and enqueueing it here would
      // bring an ended run back (and each known run would cost a round trip for nothing).
      if (unknown.contains(run.id()) && queue.enqueue(queued) != RunQueue.Enqueued.ALREADY_KNOWN) {
        requeued++;
      } else if (!run.threadId().equals(previousThread) && handOnFromEnded(run, unfinishedIds)) {
        handedOn++;
      }
      previousThread = run.threadId();
    }
    unlockedLastTime = unlockedNow;
    ends.repair(BATCH);
    if (requeued > 0) {
      restored.increment(requeued);
      log.info("sweeper queued {} runs Redis had lost", requeued);
    }
    if (handedOn > 0) {
      restored.increment(handedOn);
      log.warn("sweeper handed on {} threads held by runs that had ended", handedOn);
    }
  }

  /**
   * The oldest waiting run of its thread is known to Redis, yet waits: if the run holding the thread
   * has ended (PostgreSQL says so, asked again now) and is in no lane's list, nobody will ever hand
   * the thread on; the sweeper does, so the thread's runs go on. A holder that is still queued or
   * running is left be, and so is one still in its lane: a worker or the reaper ends it.
   */
  private boolean handOnFromEnded(Run waiting, Set<UUID> unfinishedIds) {
    var holder = queue.active(waiting.threadId());
    if (holder.isEmpty() || holder.get().equals(waiting.id()) || unfinishedIds.contains(holder.get())) {
      return false;
    }
    var holderRun = runs.get(holder.get());
    if (holderRun.isPresent() && !holderRun.get().state().terminal()) {
      return false;
    }
    var held = new QueuedRun(holder.get(), waiting.threadId(), holderRun.map(Run::lane).orElse(waiting.lane()));
    if (queue.inLane(held)) {
      return false; // a worker takes it (or the reaper, once a lease lapses) and hands the thread on
    }
    queue.finish(held, null);
    return true;
  }
}
