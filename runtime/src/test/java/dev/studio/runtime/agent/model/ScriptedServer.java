package dev.studio.runtime.agent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;

/**
 * A model provider on a local ephemeral port: it answers each request with the next scripted
 * {@link Reply} and records what it received, so a test checks both sides of the wire.
 */
final class ScriptedServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
    var thread = new Thread(r, "scripted-provider");
    thread.setDaemon(true);
    return thread;
  });
  private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);

  /** One request as the provider saw it; header names are lower case. */
  record Received(String method, String path, Map<String, String> headers, JsonNode body, long atNanos) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private ScriptedServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
  }

  static ScriptedServer start() throws IOException {
    return new ScriptedServer();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Queues answers for the coming requests, in order. */
  ScriptedServer reply(Reply... next) {
    replies.addAll(List.of(next));
    return this;
  }

  List<Received> requests() {
    return List.copyOf(received);
  }

  Received onlyRequest() {
    if (received.size() != 1) {
      throw new AssertionError("expected exactly one request, the provider got " + received.size());
    }
    return received.get(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Map<String, String> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
      received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers,
          body.length == 0 ? null : JSON.readTree(body), System.nanoTime()));
      Reply reply = replies.poll();
      if (reply == null) {
        reply = Reply.json(418, "{\"error\":{\"message\":\"the test scripted no answer for request " + received.size() + "\"}}");
      }
      play(reply, exchange);
    }
  }

  private void play(Reply reply, HttpExchange exchange) throws IOException {
    for (Step step : reply.steps) {
      switch (step) {
        case Step.Hang hang -> awaitClose();
        case Step.Drop drop -> throw new IOException("scripted: drop the connection"); // the server then closes it
        case Step.Headers headers -> {
          reply.headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
          exchange.sendResponseHeaders(reply.status, headers.contentLength()); // 0: chunked
        }
        case Step.Send send -> {
          OutputStream out = exchange.getResponseBody();
          out.write(send.text().getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
        case Step.Pause pause -> sleep(pause.duration().toMillis());
        case Step.Await await -> {
          long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
          while (!await.condition().getAsBoolean()) {
            if (System.nanoTime() > deadline) {
              throw new IOException("scripted: the client never showed " + await.what()); // fails the call
            }
            sleep(5);
          }
        }
      }
    }
  }

  private void awaitClose() {
    try {
      closing.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    handlers.shutdownNow();
  }

  private sealed interface Step {
    record Headers(long contentLength) implements Step {}

    record Send(String text) implements Step {}

    record Pause(Duration duration) implements Step {}

    record Await(BooleanSupplier condition, String what) implements Step {}

    record Hang() implements Step {}

    record Drop() implements Step {}
  }

  /** What the provider does with one request: status, headers, then body pieces, pauses or silence. */
  static final class Reply {
    private final int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final List<Step> steps = new ArrayList<>();

    private Reply(int status) {
      this.status = status;
    }

    /** A 200 event stream; each piece is flushed on its own, as a provider sends events. */
    static Reply stream(String... pieces) {
      var reply = new Reply(200).header("content-type", "text/event-stream; charset=utf-8").header("cache-control", "no-cache");
      reply.steps.add(new Step.Headers(0));
      return reply.then(pieces);
    }

    /** A whole JSON answer, as providers send their errors. */
    static Reply json(int status, String body) {
      var reply = new Reply(status).header("content-type", "application/json");
      reply.steps.add(new Step.Headers(body.getBytes(StandardCharsets.UTF_8).length));
      return reply.then(body);
    }

    /** Takes the request and never answers, not even the status line. */
    static Reply hang() {
      var reply = new Reply(0);
      reply.steps.add(new Step.Hang());
      return reply;
    }

    /** Takes the request and closes the connection without an answer. */
    static Reply drop() {
      var reply = new Reply(0);
      reply.steps.add(new Step.Drop());
      return reply;
    }

    Reply header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Reply then(String... pieces) {
      for (String piece : pieces) {
        steps.add(new Step.Send(piece));
      }
      return this;
    }

    Reply pause(Duration duration) {
      steps.add(new Step.Pause(duration));
      return this;
    }

    /** Holds the rest of the stream until the client shows, by {@code condition}, that it got the part sent so far. */
    Reply until(String what, BooleanSupplier condition) {
      steps.add(new Step.Await(condition, what));
      return this;
    }

    /** Keeps the stream open and silent. */
    Reply thenHang() {
      steps.add(new Step.Hang());
      return this;
    }
  }
}
