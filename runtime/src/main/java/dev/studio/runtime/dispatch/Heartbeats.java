package dev.studio.runtime.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.runtime.datastore.Redis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Workers announce themselves every few seconds (capacity, lanes, runs in flight); the api sums
 * the live ones to know how much the platform can absorb (backpressure, metrics). An entry not
 * refreshed for {@link #STALE} belongs to a worker that is gone.
 */
public final class Heartbeats {
  public static final Duration EVERY = Duration.ofSeconds(5);
  public static final Duration STALE = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Redis redis;
  private final RedisKeys keys;
  private volatile Supplier<Map<String, String>> bundles = Map::of;

  /** One live worker; {@code bundles}: bundle name to the artifact it serves. */
  public record Worker(String id, int capacity, Set<Lane> lanes, int running, long at, Map<String, String> bundles) {}

  public Heartbeats(Redis redis) {
    this.redis = redis;
    this.keys = new RedisKeys(redis);
  }

  /** What each beat says this process serves (the bundle registry's revisions). */
  public void reportBundles(Supplier<Map<String, String>> loaded) {
    this.bundles = loaded;
  }

  public void beat(String worker, int capacity, Collection<Lane> lanes, IntSupplier running) {
    var node = JSON.createObjectNode().put("capacity", capacity).put("running", running.getAsInt()).put("at", System.currentTimeMillis());
    var laneArray = node.putArray("lanes");
    lanes.forEach(l -> laneArray.add(l.name()));
    var served = node.putObject("bundles");
    bundles.get().forEach(served::put);
    redis.connection().sync().hset(keys.workers(), worker, node.toString());
  }

  public void leave(String worker) {
    redis.connection().sync().hdel(keys.workers(), worker);
  }

  /** Live workers; stale entries are removed on the way. */
  public List<Worker> live() {
    long now = System.currentTimeMillis();
    List<Worker> workers = new ArrayList<>();
    List<String> stale = new ArrayList<>();
    redis.connection().sync().hgetall(keys.workers()).forEach((id, json) -> {
      try {
        JsonNode node = JSON.readTree(json);
        long at = node.path("at").asLong();
        if (now - at > STALE.toMillis()) {
          stale.add(id);
          return;
        }
        var lanes = java.util.EnumSet.noneOf(Lane.class);
        node.path("lanes").forEach(l -> Lane.named(l.asText()).ifPresent(lanes::add));
        Map<String, String> served = new HashMap<>();
        node.path("bundles").fields().forEachRemaining(b -> served.put(b.getKey(), b.getValue().asText()));
        workers.add(new Worker(id, node.path("capacity").asInt(), lanes, node.path("running").asInt(), at, Map.copyOf(served)));
      } catch (Exception e) {
        stale.add(id);
      }
    });
    if (!stale.isEmpty()) {
      redis.connection().sync().hdel(keys.workers(), stale.toArray(String[]::new));
    }
    return workers;
  }
}
