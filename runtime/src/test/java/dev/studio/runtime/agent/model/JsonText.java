package dev.studio.runtime.agent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** JSON written as text in tests, parsed so that comparisons ignore spacing and key order. */
final class JsonText {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonText() {}

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + text, e);
    }
  }
}
