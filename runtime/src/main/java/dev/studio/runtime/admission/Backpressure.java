package dev.studio.runtime.admission;

import dev.studio.runtime.dispatch.Heartbeats;
import dev.studio.runtime.dispatch.Lane;
import dev.studio.runtime.dispatch.RunQueue;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Refuses new runs when the queues are fuller than the live workers can work off: the queue may
 * hold {@code queuePerSlot} runs per worker slot (never fewer than {@code floor}), and each tier is
 * refused once the queues pass its share of that (anonymous 60 %, registered and paid 80 %,
 * privileged 95 %), so cheaper traffic yields first. Figures are refreshed at most twice a second.
 */
public final class Backpressure {
  static final Duration REFRESH = Duration.ofMillis(500);
  public static final Duration RETRY_AFTER = Duration.ofSeconds(5);
  static final Map<Lane, Double> THRESHOLD = new EnumMap<>(Map.of(
      Lane.anonymous, 0.6, Lane.registered, 0.8, Lane.paid, 0.8, Lane.privileged, 0.95));

  private final RunQueue queue;
  private final Heartbeats heartbeats;
  private final int queuePerSlot;
  private final int floor;
  private volatile Snapshot snapshot;

  /** Queued runs, the queue's limit, and when they were read. */
  public record Snapshot(long queued, long limit, long at) {
    public double pressure() {
      return limit == 0 ? 1 : (double) queued / limit;
    }
  }

  public Backpressure(RunQueue queue, Heartbeats heartbeats, int queuePerSlot, int floor) {
    this.queue = queue;
    this.heartbeats = heartbeats;
    this.queuePerSlot = queuePerSlot;
    this.floor = floor;
  }

  /** True if a run of this tier may be queued now. */
  public boolean admits(Lane tier) {
    return current().pressure() < THRESHOLD.get(tier);
  }

  public Snapshot current() {
    var now = snapshot;
    if (now == null || System.nanoTime() - now.at() > REFRESH.toNanos()) {
      long queued = queue.depth().values().stream().mapToLong(Long::longValue).sum();
      long capacity = heartbeats.live().stream().mapToLong(Heartbeats.Worker::capacity).sum();
      now = new Snapshot(queued, Math.max(floor, capacity * queuePerSlot), System.nanoTime());
      snapshot = now;
    }
    return now;
  }
}
