package dev.studio.runtime.datastore;

import io.nats.client.Connection;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** The NATS connection; it reconnects by itself, forever, when the server goes away. */
public final class Nats implements AutoCloseable {
  private final Connection connection;

  public Nats(List<String> servers, String connectionName) throws IOException, InterruptedException {
    var options = new Options.Builder()
        .servers(servers.toArray(String[]::new))
        .connectionName(connectionName)
        .maxReconnects(-1)
        .reconnectWait(Duration.ofMillis(500))
        .connectionTimeout(Duration.ofSeconds(5))
        .build();
    // Keep trying when NATS is not up at start-up; readiness reports it until it is.
    connection = io.nats.client.Nats.connectReconnectOnConnect(options);
  }

  public Connection connection() {
    return connection;
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
