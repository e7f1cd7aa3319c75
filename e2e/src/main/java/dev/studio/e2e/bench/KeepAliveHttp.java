package dev.studio.e2e.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A small pool of persistent HTTP/1.1 connections for load generation. The JDK's HttpClient spent
 * a fifth of this two-core machine generating the load; a blocking socket per connection, driven
 * by a virtual thread, costs a fraction of that, so more of the machine goes to what is measured.
 */
final class KeepAliveHttp implements AutoCloseable {
  record Response(int status, String body) {}

  private final String host;
  private final int port;
  private final BlockingQueue<Connection> idle;

  KeepAliveHttp(String base, int connections) {
    var uri = URI.create(base);
    this.host = uri.getHost();
    this.port = uri.getPort();
    this.idle = new ArrayBlockingQueue<>(connections);
    for (int i = 0; i < connections; i++) {
      idle.add(new Connection());
    }
  }

  /** POSTs a JSON body; waits for a free connection first. */
  Response post(String path, String bearer, String json) throws IOException, InterruptedException {
    Connection connection = idle.take();
    try {
      return connection.exchange("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: Bearer " + bearer
          + "\r\nContent-Type: application/json\r\n", json.getBytes(StandardCharsets.UTF_8));
    } finally {
      idle.add(connection);
    }
  }

  @Override
  public void close() {
    idle.forEach(Connection::close);
  }

  private final class Connection {
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    Response exchange(String head, byte[] body) throws IOException {
      try {
        return attempt(head, body);
      } catch (IOException e) {
        close(); // the server closed an idle connection: once more on a fresh one
        return attempt(head, body);
      }
    }

    private Response attempt(String head, byte[] body) throws IOException {
      if (socket == null) {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(30_000);
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        out = socket.getOutputStream();
      }
      var request = new ByteArrayOutputStream(head.length() + body.length + 32);
      request.writeBytes((head + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      request.writeBytes(body);
      out.write(request.toByteArray());
      out.flush();
      return read();
    }

    private Response read() throws IOException {
      String status = line();
      int code = Integer.parseInt(status.substring(9, 12));
      int length = -1;
      boolean chunked = false;
      boolean closes = false;
      for (String header = line(); !header.isEmpty(); header = line()) {
        String lower = header.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Integer.parseInt(lower.substring(15).strip());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        } else if (lower.startsWith("connection:") && lower.contains("close")) {
          closes = true;
        }
      }
      var body = new ByteArrayOutputStream();
      if (chunked) {
        for (int size = Integer.parseInt(line().strip(), 16); size > 0; size = Integer.parseInt(line().strip(), 16)) {
          body.writeBytes(in.readNBytes(size));
          line();
        }
        line();
      } else if (length > 0) {
        body.writeBytes(in.readNBytes(length));
      }
      if (closes) {
        close();
      }
      return new Response(code, body.toString(StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
      var line = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("connection closed");
        }
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }

    void close() {
      try {
        if (socket != null) {
          socket.close();
        }
      } catch (IOException ignored) {
        // Closing anyway.
      }
      socket = null;
    }
  }
}
