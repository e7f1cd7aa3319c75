package dev.studio.runtime.datastore;

import dev.studio.runtime.Redact;
import dev.studio.runtime.RuntimeConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every datastore this process uses, opened together and checked together. */
public final class Datastores implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Datastores.class);

  private final Postgres postgres;
  private final Redis redis;
  private final Nats nats;
  private final Optional<ObjectStore> objectStore;

  public Datastores(Postgres postgres, Redis redis, Nats nats, Optional<ObjectStore> objectStore) {
    this.postgres = postgres;
    this.redis = redis;
    this.nats = nats;
    this.objectStore = objectStore;
  }

  public static Datastores open(RuntimeConfig config) throws Exception {
    var postgres = new Postgres(config.database(), "studio-" + config.role() + "-" + config.podName(), config.databasePool());
    var redis = new Redis(config.redisUrl(), config.instance());
    var nats = new Nats(config.natsServers(), "studio-" + config.role() + "-" + config.podName());
    return new Datastores(postgres, redis, nats, config.objectStore().map(ObjectStore::new));
  }

  public Postgres postgres() {
    return postgres;
  }

  public Redis redis() {
    return redis;
  }

  public Nats nats() {
    return nats;
  }

  public Optional<ObjectStore> objectStore() {
    return objectStore;
  }

  /** One check per datastore, run in parallel, each with its own deadline. */
  public Map<String, Check> check() {
    var checks = new LinkedHashMap<String, CompletableFuture<Check>>();
    checks.put("postgres", run(postgres::ping));
    checks.put("redis", run(redis::ping));
    checks.put("nats", run(nats::ping));
    objectStore.ifPresent(store -> checks.put("objectStore", run(store::ping)));
    var results = new LinkedHashMap<String, Check>();
    checks.forEach((name, future) -> {
      try {
        results.put(name, future.get(3, TimeUnit.SECONDS));
      } catch (Exception e) {
        results.put(name, new Check(false, "no answer within 3 s", 3000));
      }
    });
    return results;
  }

  /** The outcome of one check. */
  public record Check(boolean ok, String detail, long millis) {}

  private interface Probe {
    void run() throws Exception;
  }

  private static CompletableFuture<Check> run(Probe probe) {
    return CompletableFuture.supplyAsync(() -> {
      long start = System.nanoTime();
      try {
        probe.run();
        return new Check(true, "ok", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      } catch (Exception e) {
        String message = Redact.urls(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        return new Check(false, message, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      }
    });
  }

  @Override
  public void close() {
    objectStore.ifPresent(ObjectStore::close);
    try {
      nats.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    redis.close();
    postgres.close();
    log.info("datastore connections closed");
  }
}
