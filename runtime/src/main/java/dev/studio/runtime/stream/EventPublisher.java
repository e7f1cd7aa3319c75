package dev.studio.runtime.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;

/** Publishes run events to their thread's stream. */
public interface EventPublisher {
  /**
   * Publishes, in order with everything this process published before. {@code messageId} makes a
   * repeated publish (a retry) land once.
   */
  void publish(UUID thread, String type, ObjectNode data, String messageId);
}
