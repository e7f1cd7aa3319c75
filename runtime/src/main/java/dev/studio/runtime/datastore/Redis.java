package dev.studio.runtime.datastore;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Redis client and the one shared connection (Lettuce connections are thread-safe and
 * pipeline commands; blocking commands get connections of their own). Keys are prefixed with the
 * platform instance, so platforms sharing a Redis never see each other's keys.
 */
public final class Redis implements AutoCloseable {
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final String prefix;

  public Redis(String url, String instance) {
    client = RedisClient.create(RedisURI.create(url));
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(5)).build())
        .build());
    connection = client.connect();
    prefix = "studio:" + instance + ":";
  }

  public StatefulRedisConnection<String, String> connection() {
    return connection;
  }

  /** A new connection, for blocking commands that would hold up the shared one. */
  public StatefulRedisConnection<String, String> newConnection() {
    return client.connect();
  }

  /** A key of this platform: {@code studio:<instance>:<name>}. */
  public String key(String name) {
    return prefix + name;
  }

  public void ping() throws Exception {
    connection.async().ping().get(2, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
