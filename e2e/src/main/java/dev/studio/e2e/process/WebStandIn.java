package dev.studio.e2e.process;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private final HttpServer server;
  private final HttpForwarder forwarder = new HttpForwarder();
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
        HttpForwarder.respond(exchange, 200, "ok\n".getBytes());
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
    forwarder.forward(exchange, URI.create(upstream + exchange.getRequestURI()));
  }

  private void serveFile(HttpExchange exchange, String path) throws IOException {
    Path file = root.resolve(path.substring(1)).normalize();
    if (!file.startsWith(root) || !Files.isRegularFile(file)) {
      file = root.resolve("index.html");
    }
    if (!Files.isRegularFile(file)) {
      HttpForwarder.respond(exchange, 404, "not found\n".getBytes());
      return;
    }
    HttpForwarder.respond(exchange, 200, Files.readAllBytes(file));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
