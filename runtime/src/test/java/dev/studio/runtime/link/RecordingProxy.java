package dev.studio.runtime.link;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An HTTP proxy between the link and the platform that keeps a copy of everything on the wire:
 * what the link sent and what the platform answered, headers and bodies.
 */
final class RecordingProxy implements AutoCloseable {
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "transfer-encoding", "upgrade",
      "expect", "keep-alive");
  private final HttpServer server;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<String> traffic = new CopyOnWriteArrayList<>();
  private final String target;

  RecordingProxy(String target) throws IOException {
    this.target = target;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::forward);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every request and answer so far, as text. */
  String traffic() {
    return String.join("\n", traffic);
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      var request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
          .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body))
          .timeout(Duration.ofMinutes(2));
      StringBuilder record = new StringBuilder(">>> " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n");
      exchange.getRequestHeaders().forEach((name, values) -> {
        record.append(name).append(": ").append(values).append('\n');
        if (!HOP_BY_HOP.contains(name.toLowerCase())) {
          values.forEach(v -> request.header(name, v));
        }
      });
      record.append(new String(body, StandardCharsets.UTF_8)).append('\n');
      HttpResponse<byte[]> response;
      try {
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      record.append("<<< ").append(response.statusCode()).append('\n');
      response.headers().map().forEach((name, values) -> {
        record.append(name).append(": ").append(values).append('\n');
        if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
          values.forEach(v -> exchange.getResponseHeaders().add(name, v));
        }
      });
      record.append(new String(response.body(), StandardCharsets.UTF_8));
      traffic.add(record.toString());
      exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
      exchange.getResponseBody().write(response.body());
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
