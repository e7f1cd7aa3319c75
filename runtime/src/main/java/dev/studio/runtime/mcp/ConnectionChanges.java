package dev.studio.runtime.mcp;

import dev.studio.runtime.datastore.Nats;
import io.nats.client.Dispatcher;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every process of the platform that a connection changed or is gone, on NATS subject
 * {@code studio.mcp.connections.<instance>}; the message is the connection's id. Each process then
 * closes its idle client for it and forgets its cached credentials, rather than keep a session
 * with a downstream that was deleted, or send credentials that were replaced, until its cache
 * expires. The sender hears its own message too, which does no harm: forgetting is idempotent.
 */
final class ConnectionChanges implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConnectionChanges.class);

  private final Nats nats;
  private final String subject;
  private final Dispatcher dispatcher;

  ConnectionChanges(Nats nats, String instance, Consumer<UUID> forget) {
    this.nats = nats;
    this.subject = "studio.mcp.connections." + instance;
    this.dispatcher = nats.connection().createDispatcher(message -> {
      try {
        forget.accept(UUID.fromString(new String(message.getData(), StandardCharsets.UTF_8)));
      } catch (RuntimeException e) {
        log.warn("mcp connection change: {}", e.toString());
      }
    });
    dispatcher.subscribe(subject);
  }

  /** After the change is committed. */
  void changed(UUID connection) {
    nats.connection().publish(subject, connection.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    nats.connection().closeDispatcher(dispatcher);
  }
}
