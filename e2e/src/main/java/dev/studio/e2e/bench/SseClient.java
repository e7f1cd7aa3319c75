package dev.studio.e2e.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One server-sent-events connection over a plain socket: cheap enough to hold ten thousand of in
 * one process (a virtual thread each), and it sees every byte as it arrives, where an HTTP client
 * library would add buffering of its own to what is measured.
 */
final class SseClient implements AutoCloseable {
  /** One event as it arrived. */
  record Event(String id, String type, String data, long receivedNanos) {}

  private final Socket socket;
  private final InputStream in;
  private boolean chunked;
  private int chunkLeft;

  private SseClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 4096);
  }

  /** Opens the stream and reads up to the first line of the body (the server's retry hint). */
  static SseClient open(String base, String path, String bearer) throws IOException {
    URI uri = URI.create(base);
    var socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
    var client = new SseClient(socket);
    String request = "GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
        + "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + bearer + "\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    String status = client.rawLine();
    if (status == null || !status.startsWith("HTTP/1.1 200")) {
      client.close();
      throw new IOException("stream refused: " + status);
    }
    for (String header = client.rawLine(); header != null && !header.isEmpty(); header = client.rawLine()) {
      if (header.toLowerCase().startsWith("transfer-encoding:") && header.toLowerCase().contains("chunked")) {
        client.chunked = true;
      }
    }
    return client;
  }

  /** The next event, or null when the server ended the stream. Comments (keepalives) are skipped. */
  Event next() throws IOException {
    String id = null;
    String type = "message";
    StringBuilder data = null;
    while (true) {
      String line = line();
      if (line == null) {
        return null;
      }
      if (line.isEmpty()) {
        if (data != null) {
          return new Event(id, type, data.toString(), System.nanoTime());
        }
        continue;
      }
      if (line.startsWith("id: ")) {
        id = line.substring(4);
      } else if (line.startsWith("event: ")) {
        type = line.substring(7);
      } else if (line.startsWith("data: ")) {
        data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
      }
    }
  }

  /** One line of the body, through the chunked framing if there is one. */
  private String line() throws IOException {
    var bytes = new ByteArrayOutputStream(128);
    while (true) {
      int b = bodyByte();
      if (b < 0) {
        return null;
      }
      if (b == '\n') {
        return bytes.toString(StandardCharsets.UTF_8);
      }
      bytes.write(b);
    }
  }

  private int bodyByte() throws IOException {
    if (!chunked) {
      return in.read();
    }
    while (chunkLeft == 0) {
      String size = rawLine();
      if (size == null) {
        return -1;
      }
      if (size.isEmpty()) {
        continue; // the CRLF that ends the previous chunk
      }
      int semicolon = size.indexOf(';');
      chunkLeft = Integer.parseInt(semicolon < 0 ? size.trim() : size.substring(0, semicolon).trim(), 16);
      if (chunkLeft == 0) {
        return -1; // the last chunk
      }
    }
    chunkLeft--;
    return in.read();
  }

  /** A CRLF-terminated line of the HTTP framing itself. */
  private String rawLine() throws IOException {
    var bytes = new ByteArrayOutputStream(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.US_ASCII);
      }
      if (b == '\n') {
        String line = bytes.toString(StandardCharsets.US_ASCII);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      }
      bytes.write(b);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing anyway.
    }
  }
}
