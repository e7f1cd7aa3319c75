package dev.studio.daemon.preview;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The status line and headers of the dev server's answer to a WebSocket handshake, read off a plain socket,
 * and whatever bytes came after them (the first frames, if the server was quick).
 */
record UpstreamHead(int status, String reason, List<String[]> headers, byte[] leftover) {
  private static final int MAX_HEAD_BYTES = 64 * 1024;

  static UpstreamHead read(InputStream in) throws IOException {
    byte[] buffer = new byte[4096];
    int length = 0;
    int end;
    while ((end = endOfHead(buffer, length)) < 0) {
      if (length == buffer.length) {
        if (buffer.length >= MAX_HEAD_BYTES) {
          throw new IOException("upstream handshake response is too large");
        }
        buffer = Arrays.copyOf(buffer, buffer.length * 2);
      }
      int n = in.read(buffer, length, buffer.length - length);
      if (n < 0) {
        throw new IOException("upstream closed during the handshake");
      }
      length += n;
    }
    String[] lines = new String(buffer, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
      throw new IOException("upstream answered the handshake with something that is not HTTP");
    }
    int status;
    try {
      status = Integer.parseInt(statusLine[1]);
    } catch (NumberFormatException e) {
      throw new IOException("upstream handshake status is not a number");
    }
    List<String[]> headers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.add(new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
      }
    }
    byte[] leftover = Arrays.copyOfRange(buffer, end + 4, length);
    return new UpstreamHead(status, statusLine.length > 2 ? statusLine[2] : "", headers, leftover);
  }

  String header(String name) {
    for (String[] header : headers) {
      if (header[0].equalsIgnoreCase(name)) {
        return header[1];
      }
    }
    return null;
  }

  /** Index of the CRLFCRLF that ends the head, or -1. */
  private static int endOfHead(byte[] bytes, int length) {
    for (int i = 0; i + 3 < length; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
