package dev.studio.runtime.dispatch;

import dev.studio.runtime.datastore.Redis;
import dev.studio.runtime.datastore.RedisScript;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The run queue on Redis. Each operation that touches several keys is one Lua script, so it is
 * atomic: a run is never in two places, never lost between two, and a thread never has two runs
 * active.
 */
public final class RunQueue {
  /**
   * Enqueue: if the thread has no active run, this one becomes active and ready; otherwise it waits
   * in the thread's pending list, in order. A run Redis already knows is left alone (the sweeper
   * relies on this).
   */
  private static final RedisScript ENQUEUE = new RedisScript("""
      -- KEYS: known, active, pending, queue, wake   ARGV: run, payload
      if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 2 end
      redis.call('SADD', KEYS[1], ARGV[1])
      local active = redis.call('GET', KEYS[2])
      if active == false or active == ARGV[1] then
        redis.call('SET', KEYS[2], ARGV[1])
        redis.call('LPUSH', KEYS[4], ARGV[2])
        redis.call('LPUSH', KEYS[5], '1')
        redis.call('LTRIM', KEYS[5], 0, 255)
        return 1
      end
      redis.call('RPUSH', KEYS[3], ARGV[2])
      return 0
      """);

  /**
   * Claim: up to {@code max} ready runs, each moved to its lane's in-flight list and locked for
   * this worker (token {@code <base>:<n>}) in one step. Lanes are taken in turn, starting with the
   * first given, so a batch is as fair as single claims. A run someone else holds the lock of (a
   * duplicate) is dropped from our in-flight list and the next one tried.
   */
  private static final RedisScript CLAIM = new RedisScript("""
      -- KEYS: queue1, inflight1, queue2, inflight2, ...   ARGV: tokenBase, leaseMs, lockPrefix, max
      local lanes = #KEYS / 2
      local max = tonumber(ARGV[4])
      local result = {}
      local start = 0
      local n = 0
      while n < max do
        local found = false
        for k = 0, lanes - 1 do
          local lane = (start + k) % lanes
          local queue, inflight = KEYS[lane * 2 + 1], KEYS[lane * 2 + 2]
          local payload = redis.call('LMOVE', queue, inflight, 'RIGHT', 'LEFT')
          while payload do
            local run = cjson.decode(payload).run
            if redis.call('SET', ARGV[3] .. run, ARGV[1] .. ':' .. n, 'NX', 'PX', ARGV[2]) then break end
            redis.call('LREM', inflight, 1, payload)
            payload = redis.call('LMOVE', queue, inflight, 'RIGHT', 'LEFT')
          end
          if payload then
            result[#result + 1] = tostring(lane)
            result[#result + 1] = payload
            n = n + 1
            start = lane + 1
            found = true
            break
          end
        end
        if not found then break end
      end
      return result
      """);

  /**
   * Renew: extend the lock and the started marker if this worker still holds the lock; 1 if so, 0
   * if another worker holds it, -1 if it is gone (expired, or Redis lost it).
   */
  private static final RedisScript RENEW = new RedisScript("""
      -- KEYS: lock, started   ARGV: token, leaseMs, markerMs
      local holder = redis.call('GET', KEYS[1])
      if holder == ARGV[1] then
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
        return 1
      end
      if holder == false then return -1 end
      return 0
      """);

  /**
   * Finish: the run leaves Redis (in-flight entry, lock if ours, marker, known set) and, if it was
   * its thread's active run, the thread's next pending run becomes active and ready.
   */
  private static final RedisScript FINISH = new RedisScript("""
      -- KEYS: inflight, lock, started, active, pending, known
      -- ARGV: payload, token, run, queuePrefix, wakePrefix
      redis.call('LREM', KEYS[1], 0, ARGV[1])
      if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
      redis.call('DEL', KEYS[3])
      redis.call('SREM', KEYS[6], ARGV[3])
      if redis.call('GET', KEYS[4]) == ARGV[3] then
        local nextRun = redis.call('LPOP', KEYS[5])
        if nextRun then
          local lane = cjson.decode(nextRun).lane
          redis.call('SET', KEYS[4], cjson.decode(nextRun).run)
          redis.call('LPUSH', ARGV[4] .. lane, nextRun)
          redis.call('LPUSH', ARGV[5] .. lane, '1')
          redis.call('LTRIM', ARGV[5] .. lane, 0, 255)
        else
          redis.call('DEL', KEYS[4])
        end
      end
      return 1
      """);

  /**
   * Requeue (reaper, shutdown): back from in-flight to the front of its queue (it goes out next),
   * only if no worker holds its lock; 1 if it moved.
   */
  private static final RedisScript REQUEUE = new RedisScript("""
      -- KEYS: inflight, queue, lock, wake   ARGV: payload
      if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
      if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
      redis.call('RPUSH', KEYS[2], ARGV[1])
      redis.call('LPUSH', KEYS[4], '1')
      redis.call('LTRIM', KEYS[4], 0, 255)
      return 1
      """);

  /**
   * Hold the thread for a run a worker holds the lock of: it becomes the thread's active run if the
   * thread has none (Redis lost it). Only while the lock exists and the run is in flight, so a run
   * that finished meanwhile never becomes active again: finish drops the lock and hands the thread
   * on in one step, and a duplicate's finish (see {@link #RELEASE}) leaves the other claim's lock
   * but no in-flight entry.
   */
  private static final RedisScript HOLD_THREAD = new RedisScript("""
      -- KEYS: lock, active, inflight   ARGV: run, payload
      if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
      if not redis.call('LPOS', KEYS[3], ARGV[2]) then return 0 end
      redis.call('SETNX', KEYS[2], ARGV[1])
      return 1
      """);

  /**
   * Relock: take the lock again after Redis lost it (a restart, a flush), and the run's in-flight
   * entry with it, so the reaper can still hand the run on if this worker dies after all.
   */
  private static final RedisScript RELOCK = new RedisScript("""
      -- KEYS: lock, inflight   ARGV: token, leaseMs, payload
      if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
      if not redis.call('LPOS', KEYS[2], ARGV[3]) then redis.call('LPUSH', KEYS[2], ARGV[3]) end
      return 1
      """);

  /**
   * Release (graceful shutdown, a lost lease, an error): let go of a lock this worker holds, so
   * another takes over now, and make sure the run is in its lane's in-flight list, where the reaper
   * looks. A duplicate of the run (the reaper requeued it while this worker was frozen) shares its
   * payload, and whoever finished the other copy removed every entry: without one, a run that holds
   * its thread would hold it for good, with nobody to hand it on. (Another worker's lock means the
   * run is that worker's now: nothing to do. A lock that lapsed is let go of all the same.)
   */
  private static final RedisScript RELEASE = new RedisScript("""
      -- KEYS: lock, inflight   ARGV: token, payload
      local holder = redis.call('GET', KEYS[1])
      if holder and holder ~= ARGV[1] then return 0 end
      if holder then redis.call('DEL', KEYS[1]) end
      if not redis.call('LPOS', KEYS[2], ARGV[2]) then redis.call('LPUSH', KEYS[2], ARGV[2]) end
      return 1
      """);

  private final Redis redis;
  private final RedisKeys keys;

  public RunQueue(Redis redis) {
    this.redis = redis;
    this.keys = new RedisKeys(redis);
  }

  public RedisKeys keys() {
    return keys;
  }

  /** What enqueueing did. */
  public enum Enqueued {
    READY,
    WAITING,
    ALREADY_KNOWN
  }

  public Enqueued enqueue(QueuedRun run) {
    Long result = ENQUEUE.run(sync(), ScriptOutputType.INTEGER,
        new String[] {keys.known(), keys.active(run.thread()), keys.pending(run.thread()), keys.queue(run.lane()), keys.wake(run.lane())},
        run.run().toString(), run.payload());
    return switch (result.intValue()) {
      case 1 -> Enqueued.READY;
      case 0 -> Enqueued.WAITING;
      default -> Enqueued.ALREADY_KNOWN;
    };
  }

  /** A run a worker claimed: it is in-flight and the worker holds its lock with {@code token}. */
  public record Claim(QueuedRun run, String token) {}

  /** Claims the first ready run of {@code lanes}, trying them in that order. */
  public Optional<Claim> claim(List<Lane> lanes, String token, Duration lease) {
    return claim(lanes, token, lease, 1).stream().findFirst();
  }

  /**
   * Claims up to {@code max} ready runs, taking {@code lanes} in turn from the first; each claim's
   * token is {@code tokenBase:<n>}.
   */
  public List<Claim> claim(List<Lane> lanes, String tokenBase, Duration lease, int max) {
    String[] claimKeys = new String[lanes.size() * 2];
    for (int i = 0; i < lanes.size(); i++) {
      claimKeys[2 * i] = keys.queue(lanes.get(i));
      claimKeys[2 * i + 1] = keys.inflight(lanes.get(i));
    }
    List<Object> result = CLAIM.run(sync(), ScriptOutputType.MULTI, claimKeys, tokenBase, Long.toString(lease.toMillis()),
        keys.lockPrefix(), Integer.toString(max));
    List<Claim> claims = new ArrayList<>();
    if (result == null) {
      return claims;
    }
    for (int i = 0; i + 1 < result.size(); i += 2) {
      if (result.get(i + 1) != null) {
        claims.add(new Claim(QueuedRun.parse((String) result.get(i + 1)), tokenBase + ":" + claims.size()));
      }
    }
    return claims;
  }

  /** Writes the started marker: from now on, a lost worker's run is not simply replayed. */
  public void markStarted(Claim claim, String worker, Duration markerTtl) {
    String marker = "{\"run\":\"" + claim.run().run() + "\",\"thread\":\"" + claim.run().thread() + "\",\"by\":\"" + worker
        + "\",\"at\":" + System.currentTimeMillis() + "}";
    sync().psetex(keys.started(claim.run().run()), markerTtl.toMillis(), marker);
  }

  /** Lease renewal outcome. */
  public enum Renewal {
    RENEWED,
    LOST,
    GONE
  }

  public Renewal renew(Claim claim, Duration lease, Duration markerTtl) {
    Long result = RENEW.run(sync(), ScriptOutputType.INTEGER,
        new String[] {keys.lock(claim.run().run()), keys.started(claim.run().run())},
        claim.token(), Long.toString(lease.toMillis()), Long.toString(markerTtl.toMillis()));
    return result == 1 ? Renewal.RENEWED : result == 0 ? Renewal.LOST : Renewal.GONE;
  }

  /** Takes the lock again after Redis lost it; false if another worker got it first. */
  public boolean relock(Claim claim, Duration lease) {
    Long locked = RELOCK.run(sync(), ScriptOutputType.INTEGER,
        new String[] {keys.lock(claim.run().run()), keys.inflight(claim.run().lane())},
        claim.token(), Long.toString(lease.toMillis()), claim.run().payload());
    return locked == 1;
  }

  public void finish(Claim claim) {
    finish(claim.run(), claim.token());
  }

  /** Removes a run from Redis and hands its thread to the next run. */
  public void finish(QueuedRun run, String token) {
    FINISH.run(sync(), ScriptOutputType.INTEGER,
        new String[] {keys.inflight(run.lane()), keys.lock(run.run()), keys.started(run.run()), keys.active(run.thread()),
            keys.pending(run.thread()), keys.known()},
        run.payload(), token == null ? "" : token, run.run().toString(), keys.queuePrefix(), keys.wakePrefix());
  }

  /** Puts an unlocked in-flight run back at the head of its queue; true if it moved. */
  public boolean requeue(QueuedRun run) {
    Long moved = REQUEUE.run(sync(), ScriptOutputType.INTEGER,
        new String[] {keys.inflight(run.lane()), keys.queue(run.lane()), keys.lock(run.run()), keys.wake(run.lane())},
        run.payload());
    return moved == 1;
  }

  public void release(Claim claim) {
    RELEASE.run(sync(), ScriptOutputType.INTEGER, new String[] {keys.lock(claim.run().run()), keys.inflight(claim.run().lane())},
        claim.token(), claim.run().payload());
  }

  /** In-flight runs of a lane (the reaper's worklist). */
  public List<QueuedRun> inflight(Lane lane) {
    List<QueuedRun> runs = new ArrayList<>();
    for (String payload : sync().lrange(keys.inflight(lane), 0, -1)) {
      runs.add(QueuedRun.parse(payload));
    }
    return runs;
  }

  /**
   * Whether the run is in its lane's queue or in-flight list: a worker will take it (and drop it, if
   * it has ended), or the reaper will, so it will hand its thread on.
   */
  public boolean inLane(QueuedRun run) {
    return sync().lpos(keys.inflight(run.lane()), run.payload()) != null
        || sync().lpos(keys.queue(run.lane()), run.payload()) != null;
  }

  /** Those of {@code runs} Redis does not know (neither queued, pending nor in flight): one round trip. */
  public Set<UUID> unknown(List<UUID> runs) {
    if (runs.isEmpty()) {
      return Set.of();
    }
    List<Boolean> known = sync().smismember(keys.known(), runs.stream().map(UUID::toString).toArray(String[]::new));
    Set<UUID> unknown = new HashSet<>();
    for (int i = 0; i < runs.size(); i++) {
      if (!known.get(i)) {
        unknown.add(runs.get(i));
      }
    }
    return unknown;
  }

  public boolean locked(UUID run) {
    return sync().exists(keys.lock(run)) == 1;
  }

  public boolean startedMarker(UUID run) {
    return sync().exists(keys.started(run)) == 1;
  }

  /**
   * If a worker holds the run's lock and the run is in flight, makes sure its thread's later runs
   * wait behind it (the sweeper, after Redis lost the thread's state); false otherwise.
   */
  public boolean holdThreadIfLocked(QueuedRun run) {
    Long held = HOLD_THREAD.run(sync(), ScriptOutputType.INTEGER,
        new String[] {keys.lock(run.run()), keys.active(run.thread()), keys.inflight(run.lane())},
        run.run().toString(), run.payload());
    return held == 1;
  }

  /** The run holding the thread (queued or running ahead of the others), if any. */
  public Optional<UUID> active(UUID thread) {
    return Optional.ofNullable(sync().get(keys.active(thread))).map(UUID::fromString);
  }

  /** Sets the thread's active run if none is set (the sweeper holds a thread for a running run). */
  public void restoreActive(UUID thread, UUID run) {
    sync().setnx(keys.active(thread), run.toString());
  }

  /** Ready runs per lane. */
  public Map<Lane, Long> depth() {
    Map<Lane, Long> depth = new EnumMap<>(Lane.class);
    for (Lane lane : Lane.values()) {
      depth.put(lane, sync().llen(keys.queue(lane)));
    }
    return depth;
  }

  /** Runs in flight per lane. */
  public Map<Lane, Long> running() {
    Map<Lane, Long> running = new EnumMap<>(Lane.class);
    for (Lane lane : Lane.values()) {
      running.put(lane, sync().llen(keys.inflight(lane)));
    }
    return running;
  }

  private RedisCommands<String, String> sync() {
    return redis.connection().sync();
  }
}
