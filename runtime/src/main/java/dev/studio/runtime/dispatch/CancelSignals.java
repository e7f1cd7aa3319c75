package dev.studio.runtime.dispatch;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * "Stop run X" from the api to whichever worker runs it, over core NATS. Best effort by design:
 * the run is already cancelled in PostgreSQL, and a worker that misses the signal finds out at its
 * next journal write, which the cancellation fences off.
 */
public final class CancelSignals implements AutoCloseable {
  static final String SUBJECT = "studio.control.cancel";

  private final Connection nats;
  private Dispatcher dispatcher;

  public CancelSignals(Connection nats) {
    this.nats = nats;
  }

  public void send(UUID run) {
    nats.publish(SUBJECT, run.toString().getBytes(StandardCharsets.UTF_8));
  }

  public void listen(Consumer<UUID> onCancel) {
    dispatcher = nats.createDispatcher(message -> {
      try {
        onCancel.accept(UUID.fromString(new String(message.getData(), StandardCharsets.UTF_8)));
      } catch (IllegalArgumentException ignored) {
        // Not a run id: nothing to stop.
      }
    });
    dispatcher.subscribe(SUBJECT);
  }

  @Override
  public void close() {
    if (dispatcher != null) {
      nats.closeDispatcher(dispatcher);
    }
  }
}
