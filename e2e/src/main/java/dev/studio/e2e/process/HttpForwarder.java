package dev.studio.e2e.process;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/** Forwards one exchange to an upstream and streams the answer back unbuffered (so SSE flows); 502 if it cannot connect. */
final class HttpForwarder {
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "transfer-encoding", "upgrade",
      "keep-alive", "expect");
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  void forward(HttpExchange exchange, URI target) throws IOException, InterruptedException {
    var request = HttpRequest.newBuilder(target)
        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofInputStream(exchange::getRequestBody));
    exchange.getRequestHeaders().forEach((name, values) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase())) {
        values.forEach(v -> request.header(name, v));
      }
    });
    HttpResponse<InputStream> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      respond(exchange, 502, "bad gateway\n".getBytes());
      return;
    }
    response.headers().map().forEach((name, values) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
        exchange.getResponseHeaders().put(name, values);
      }
    });
    exchange.sendResponseHeaders(response.statusCode(), 0);
    try (InputStream in = response.body(); OutputStream out = exchange.getResponseBody()) {
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) > 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
    }
  }

  static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }
}
