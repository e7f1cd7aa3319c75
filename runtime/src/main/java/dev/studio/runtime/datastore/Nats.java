package dev.studio.runtime.datastore;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The NATS connection; it reconnects by itself, forever, when the server goes away. Who keeps
 * subscriptions across a reconnect registers with {@link #onReconnect} to catch up at once.
 */
public final class Nats implements AutoCloseable {
  private final Connection connection;
  private final List<Runnable> reconnected = new CopyOnWriteArrayList<>();

  public Nats(List<String> servers, String connectionName) throws IOException, InterruptedException {
    var options = new Options.Builder()
        .servers(servers.toArray(String[]::new))
        .connectionName(connectionName)
        .maxReconnects(-1)
        .reconnectWait(Duration.ofMillis(500))
        .connectionTimeout(Duration.ofSeconds(5))
        .connectionListener((conn, event) -> {
          if (event == ConnectionListener.Events.RECONNECTED || event == ConnectionListener.Events.RESUBSCRIBED) {
            reconnected.forEach(Runnable::run);
          }
        })
        .build();
    // Keep trying when NATS is not up at start-up; readiness reports it until it is.
    connection = io.nats.client.Nats.connectReconnectOnConnect(options);
  }

  public Connection connection() {
    return connection;
  }

  /** Runs {@code action} after every reconnect. */
  public void onReconnect(Runnable action) {
    reconnected.add(action);
  }

  public void ping() throws Exception {
    if (connection.getStatus() != Connection.Status.CONNECTED) {
      throw new IllegalStateException("NATS is " + connection.getStatus().name().toLowerCase());
    }
    connection.RTT();
  }

  @Override
  public void close() throws InterruptedException {
    connection.close();
  }
}
