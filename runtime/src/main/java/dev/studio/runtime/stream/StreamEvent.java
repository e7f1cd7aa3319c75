package dev.studio.runtime.stream;

import java.nio.charset.StandardCharsets;

/**
 * An event as a viewer gets it: its stream sequence (the SSE id), name and JSON data, and the SSE
 * frame that carries them, encoded once per event however many viewers are sent it.
 */
public record StreamEvent(long seq, String type, String data, byte[] frame) {

  public static StreamEvent of(long seq, String type, String data) {
    // Each line of the data needs its own field (compact JSON has none, but a frame must not break).
    String lines = data.indexOf('\n') < 0 ? data : data.replace("\r\n", "\n").replace("\n", "\ndata: ");
    String frame = "id: " + seq + "\nevent: " + type + "\ndata: " + lines + "\n\n";
    return new StreamEvent(seq, type, data, frame.getBytes(StandardCharsets.UTF_8));
  }
}
