package dev.studio.daemon.testing;

import com.fasterxml.jackson.databind.JsonNode;

/** One server-sent event as a client sees it. */
public record SseEvent(String id, String type, JsonNode data) {
}
