package dev.studio.runtime.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * An event as a viewer gets it: its stream sequence (the SSE id), name and JSON data, and the SSE
 * frame that carries them, encoded once per event however many viewers are sent it.
 */
public record StreamEvent(long seq, String type, String data, byte[] frame) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * An event as the stream stored it (its sequence and JSON body, whose {@code type} names it);
   * empty if the body is not JSON, which no viewer could read.
   */
  public static Optional<StreamEvent> stored(long seq, byte[] body) {
    String data = new String(body, StandardCharsets.UTF_8);
    try {
      return Optional.of(of(seq, JSON.readTree(data).path("type").asText("message"), data));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  public static StreamEvent of(long seq, String type, String data) {
    // Each line of the data needs its own field (compact JSON has none, but a frame must not break).
    String lines = data.indexOf('\n') < 0 ? data : data.replace("\r\n", "\n").replace("\n", "\ndata: ");
    String frame = "id: " + seq + "\nevent: " + type + "\ndata: " + lines + "\n\n";
    return new StreamEvent(seq, type, data, frame.getBytes(StandardCharsets.UTF_8));
  }
}
