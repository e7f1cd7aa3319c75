package dev.studio.runtime.admission;

import dev.studio.runtime.datastore.Redis;
import dev.studio.runtime.datastore.RedisScript;
import dev.studio.runtime.dispatch.Lane;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Per-token rate limiting on Redis: a sliding window (a sorted set of request times) for bursts and
 * a counter that lives an hour for the hourly budget, checked and counted in one script.
 */
public final class RateLimiter {
  private static final RedisScript CHECK = new RedisScript("""
      -- KEYS: window, hour   ARGV: now, windowMs, burst, hourly, member
      local now = tonumber(ARGV[1])
      local window = tonumber(ARGV[2])
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
      if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
        local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        return {0, tonumber(oldest[2]) + window - now}
      end
      if tonumber(ARGV[4]) > 0 then
        local used = tonumber(redis.call('GET', KEYS[2]) or '0')
        if used >= tonumber(ARGV[4]) then return {0, redis.call('PTTL', KEYS[2])} end
        if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], 3600000) end
      end
      redis.call('ZADD', KEYS[1], now, ARGV[5])
      redis.call('PEXPIRE', KEYS[1], window)
      return {1, 0}
      """);

  private final Redis redis;
  private final RateLimits limits;

  /** The verdict: allowed, or how long to wait. */
  public record Verdict(boolean allowed, Duration retryAfter) {}

  public RateLimiter(Redis redis, RateLimits limits) {
    this.redis = redis;
    this.limits = limits;
  }

  public Verdict check(UUID token, Lane tier) {
    var limit = limits.of(tier);
    List<Long> result = CHECK.run(redis.connection().sync(), ScriptOutputType.MULTI,
        new String[] {redis.key("rate:" + token + ":window"), redis.key("rate:" + token + ":hour")},
        Long.toString(System.currentTimeMillis()), Long.toString(RateLimits.BURST_WINDOW.toMillis()),
        Integer.toString(limit.burst()), Integer.toString(limit.hourly()), UUID.randomUUID().toString());
    return result.get(0) == 1 ? new Verdict(true, Duration.ZERO) : new Verdict(false, Duration.ofMillis(Math.max(1000, result.get(1))));
  }
}
