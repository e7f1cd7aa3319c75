package dev.studio.runtime.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An SSE client on a bare socket with the smallest receive buffer the kernel grants, that reads
 * nothing until asked: a browser tab on a stalled network, as the server sees it.
 */
final class RawSse implements AutoCloseable {
  /** What the stream carried: the events' ids and the comments, in order. */
  record Received(List<Long> ids, List<String> comments) {}

  private final Socket socket;
  /** Body bytes after the last whole line read. */
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private final List<Long> ids = new ArrayList<>();
  private final List<String> comments = new ArrayList<>();
  private boolean headersRead;

  private RawSse(Socket socket) {
    this.socket = socket;
  }

  static RawSse open(String url, String token) throws IOException {
    URI uri = URI.create(url);
    var socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
    String request = "GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
        + "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + token + "\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return new RawSse(socket);
  }

  /** Reads the response through to its last chunk; fails if it does not end within {@code timeout}. */
  Received readToEnd(Duration timeout) throws IOException {
    return read(timeout, Long.MAX_VALUE);
  }

  /**
   * Reads until an event with id {@code lastId} or later has come, or the response ended; fails if
   * neither happens within {@code timeout}.
   */
  Received readUntil(long lastId, Duration timeout) throws IOException {
    return read(timeout, lastId);
  }

  private Received read(Duration timeout, long untilId) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    InputStream in = socket.getInputStream();
    if (!headersRead) {
      String status = line(in);
      if (!status.startsWith("HTTP/1.1 200")) {
        throw new IOException("stream refused: " + status);
      }
      boolean chunked = false;
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        chunked |= header.toLowerCase().startsWith("transfer-encoding:") && header.toLowerCase().contains("chunked");
      }
      if (!chunked) {
        throw new IOException("expected a chunked stream");
      }
      headersRead = true;
    }
    for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
      pending.write(in.readNBytes(size));
      line(in); // the CRLF after the chunk
      // Whole lines only: a chunk may end inside a line, or inside a character of one.
      byte[] bytes = pending.toByteArray();
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] != '\n') {
        end--;
      }
      pending.reset();
      pending.write(bytes, end, bytes.length - end);
      for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("id: ")) {
          ids.add(Long.parseLong(line.substring(4)));
        } else if (line.startsWith(":")) {
          comments.add(line.substring(1).trim());
        }
      }
      if (!ids.isEmpty() && ids.get(ids.size() - 1) >= untilId) {
        break;
      }
    }
    return new Received(List.copyOf(ids), List.copyOf(comments));
  }

  private static String line(InputStream in) throws IOException {
    var bytes = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("the stream ended mid-line");
      }
      if (b != '\r') {
        bytes.write(b);
      }
    }
    return bytes.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
