package dev.studio.runtime.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.runtime.datastore.Redis;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The background job stream and its consumer group. */
public final class JobStream {
  static final String GROUP = "workers";
  static final long MAX_LENGTH = 10_000;
  static final Duration DEDUPE_FOR = Duration.ofDays(7);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Redis redis;
  private final String stream;
  private final String dead;
  private final String wake;

  public JobStream(Redis redis) {
    this.redis = redis;
    this.stream = redis.key("jobs");
    this.dead = redis.key("jobs:dead");
    this.wake = redis.key("wake:jobs");
    try {
      sync().xgroupCreate(XReadArgs.StreamOffset.from(stream, "0-0"), GROUP, XGroupCreateArgs.Builder.mkstream());
    } catch (RedisBusyException e) {
      // The group exists already.
    }
  }

  /**
   * Submits a job; empty if one with the same dedupe key was submitted in the last seven days.
   */
  public Optional<String> submit(String kind, JsonNode payload, String dedupeKey) {
    if (dedupeKey != null && !"OK".equals(sync().set(redis.key("dedupe:" + dedupeKey), "1", SetArgs.Builder.nx().ex(DEDUPE_FOR)))) {
      return Optional.empty();
    }
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("kind", kind);
    fields.put("payload", payload.toString());
    if (dedupeKey != null) {
      fields.put("dedupe", dedupeKey);
    }
    String id = sync().xadd(stream, XAddArgs.Builder.maxlen(MAX_LENGTH).approximateTrimming(), fields);
    sync().lpush(wake, "1");
    sync().ltrim(wake, 0, 255);
    return Optional.of(id);
  }

  /** A new job for this consumer, or one another consumer left idle for {@code reclaimAfter}. */
  /** The next job nobody has taken yet. */
  public Optional<Job> fresh(String consumer) {
    List<StreamMessage<String, String>> fresh = sync().xreadgroup(Consumer.from(GROUP, consumer), XReadArgs.Builder.count(1),
        XReadArgs.StreamOffset.lastConsumed(stream));
    return fresh == null || fresh.isEmpty() ? Optional.empty() : Optional.of(job(fresh.get(0), 1));
  }

  /** A job another consumer took and left unacknowledged for {@code reclaimAfter} (it died). */
  public Optional<Job> reclaim(String consumer, Duration reclaimAfter) {
    var claimed = sync().xautoclaim(stream, XAutoClaimArgs.Builder.xautoclaim(Consumer.from(GROUP, consumer), reclaimAfter, "0-0").count(1));
    if (claimed == null || claimed.getMessages().isEmpty()) {
      return Optional.empty();
    }
    var message = claimed.getMessages().get(0);
    var pending = sync().xpending(stream, GROUP, Range.create(message.getId(), message.getId()), Limit.from(1));
    long deliveries = pending.isEmpty() ? 1 : pending.get(0).getRedeliveryCount();
    return Optional.of(job(message, deliveries));
  }

  public void ack(Job job) {
    sync().xack(stream, GROUP, job.id());
  }

  /** Moves a job that keeps failing aside, with the reason, and acknowledges it. */
  public void bury(Job job, String reason) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("id", job.id());
    fields.put("kind", job.kind());
    fields.put("payload", job.payload().toString());
    fields.put("reason", reason);
    sync().xadd(dead, XAddArgs.Builder.maxlen(MAX_LENGTH).approximateTrimming(), fields);
    ack(job);
  }

  public String wakeKey() {
    return wake;
  }

  public long deadCount() {
    return sync().xlen(dead);
  }

  private static Job job(StreamMessage<String, String> message, long deliveries) {
    var body = message.getBody();
    JsonNode payload;
    try {
      payload = JSON.readTree(body.getOrDefault("payload", "{}"));
    } catch (Exception e) {
      payload = JSON.createObjectNode();
    }
    return new Job(message.getId(), body.get("kind"), payload, body.get("dedupe"), deliveries);
  }

  private RedisCommands<String, String> sync() {
    return redis.connection().sync();
  }
}
