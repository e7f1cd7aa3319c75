package dev.studio.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The operator's own HTTP endpoints: {@code /metrics} (Prometheus text), {@code /healthz}
 * (the process is alive) and {@code /readyz} (informers have synced). Nothing here writes.
 */
public final class OperatorHttpServer implements AutoCloseable {
  private final HttpServer server;

  public OperatorHttpServer(int port, PrometheusMeterRegistry registry, BooleanSupplier ready) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      var thread = new Thread(r, "operator-http");
      thread.setDaemon(true);
      return thread;
    }));
    server.createContext("/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.createContext("/healthz", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
    server.createContext(
        "/readyz",
        exchange -> {
          boolean isReady = ready.getAsBoolean();
          respond(exchange, isReady ? 200 : 503, "text/plain", isReady ? "ok\n" : "starting\n");
        });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
