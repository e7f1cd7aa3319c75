package dev.studio.e2e.process;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The web tier's container where no nginx is installed: it serves what the operator's nginx config
 * says, as far as the scenarios reach — {@code /healthz}, the api routes proxied (unbuffered, so
 * SSE streams flow) to the upstream the config names, and the exported web files with the
 * single-page-app fallback. With nginx installed the kubelet runs nginx itself instead.
 */
final class WebStandIn implements AutoCloseable {
  private static final Pattern API = Pattern.compile("^/(api|mcp|oauth-proxy|\\.well-known)(/|$).*");
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "transfer-encoding", "upgrade",
      "keep-alive", "expect");

  private final HttpServer server;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String upstream;
  private final Path root;

  WebStandIn(int port, String upstream, Path root) throws IOException {
    this.upstream = upstream;
    this.root = root;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/healthz")) {
        respond(exchange, 200, "ok\n".getBytes());
      } else if (API.matcher(path).matches()) {
        proxy(exchange);
      } else {
        serveFile(exchange, path);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void proxy(HttpExchange exchange) throws IOException, InterruptedException {
    var request = HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()))
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
        out.flush(); // unbuffered, like the config's proxy_buffering off: streams flow
      }
    }
  }

  private void serveFile(HttpExchange exchange, String path) throws IOException {
    Path file = root.resolve(path.substring(1)).normalize();
    if (!file.startsWith(root) || !Files.isRegularFile(file)) {
      file = root.resolve("index.html");
    }
    if (!Files.isRegularFile(file)) {
      respond(exchange, 404, "not found\n".getBytes());
      return;
    }
    respond(exchange, 200, Files.readAllBytes(file));
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
