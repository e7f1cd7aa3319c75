package dev.studio.runtime.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;

/** Publishes run events to their thread's stream. */
public interface EventPublisher {
  /**
   * Publishes, in order with everything this process published before. {@code messageId} makes a
   * repeated publish (a retry) land once.
   */
  default void publish(UUID thread, String type, ObjectNode data, String messageId) {
    publish(thread, type, data, messageId, null);
  }

  /** As above; {@code acknowledged} (if not null) runs once NATS has stored the event. */
  void publish(UUID thread, String type, ObjectNode data, String messageId, Runnable acknowledged);
}
