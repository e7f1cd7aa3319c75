package dev.studio.runtime.dispatch;

import dev.studio.runtime.datastore.Redis;
import java.util.UUID;

/**
 * Every Redis key of run dispatch, in one place. All live under the platform's prefix
 * {@code studio:<instance>:}.
 */
public final class RedisKeys {
  private final Redis redis;

  public RedisKeys(Redis redis) {
    this.redis = redis;
  }

  /** LIST: runs ready to be claimed; in at the left, out at the right (FIFO). */
  public String queue(Lane lane) {
    return redis.key("queue:" + lane);
  }

  /** LIST: runs claimed by a worker and not yet finished. */
  public String inflight(Lane lane) {
    return redis.key("inflight:" + lane);
  }

  /** LIST: one token per enqueue, so idle workers block instead of polling. */
  public String wake(Lane lane) {
    return redis.key("wake:" + lane);
  }

  /** STRING: the worker's token, with a lease it renews. */
  public String lock(UUID run) {
    return redis.key("lock:" + run);
  }

  /** STRING: JSON written before a run's first side effect; outlives the lock. */
  public String started(UUID run) {
    return redis.key("started:" + run);
  }

  /** STRING: the run of the thread that is queued or running; the others wait. */
  public String active(UUID thread) {
    return redis.key("thread:" + thread + ":active");
  }

  /** LIST: the thread's later runs, in order, waiting for the active one to end. */
  public String pending(UUID thread) {
    return redis.key("thread:" + thread + ":pending");
  }

  /** SET: runs Redis knows of (queued, pending or in flight); what the sweeper checks against. */
  public String known() {
    return redis.key("runs:known");
  }

  /** HASH: worker id → heartbeat (capacity, lanes, running, time). */
  public String workers() {
    return redis.key("workers");
  }

  /** STRING: who sweeps now (one sweeper at a time across the platform). */
  public String sweeper() {
    return redis.key("sweeper");
  }

  /** The prefix of {@link #queue} keys, for scripts that build them from a lane name. */
  public String queuePrefix() {
    return redis.key("queue:");
  }

  public String wakePrefix() {
    return redis.key("wake:");
  }

  public String lockPrefix() {
    return redis.key("lock:");
  }
}
