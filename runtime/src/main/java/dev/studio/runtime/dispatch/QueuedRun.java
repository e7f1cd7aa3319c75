package dev.studio.runtime.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.UUID;

/**
 * A run as it travels through the Redis lists: its id, thread and lane. {@link #payload} is the
 * exact string stored, which removing it from a list needs.
 */
public record QueuedRun(UUID run, UUID thread, Lane lane) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public String payload() {
    return "{\"run\":\"" + run + "\",\"thread\":\"" + thread + "\",\"lane\":\"" + lane + "\"}";
  }

  public static QueuedRun parse(String payload) {
    try {
      JsonNode node = JSON.readTree(payload);
      return new QueuedRun(UUID.fromString(node.get("run").asText()), UUID.fromString(node.get("thread").asText()),
          Lane.valueOf(node.get("lane").asText()));
    } catch (Exception e) {
      throw new IllegalArgumentException("not a queued run: " + payload, e);
    }
  }
}
