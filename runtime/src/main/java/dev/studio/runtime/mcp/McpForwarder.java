package dev.studio.runtime.mcp;

import dev.studio.runtime.mcp.ToolAudit.Outcome;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Forwards one Streamable-HTTP exchange to a downstream MCP server as it is, at the HTTP level:
 * the JSON-RPC body and the transport's own headers go through, the vault's credentials are added,
 * and the answer comes back as the downstream sent it, an SSE stream event by event. The platform
 * is not an MCP client or server on this path, which is what keeps its cost to a fraction of a
 * millisecond (the SDK client and server each cost more than that per call).
 *
 * <p>One {@link HttpClient} serves every downstream: it keeps a pool of keep-alive connections
 * per host. HTTP/1.1 is forced because on {@code http://} the client would otherwise try an h2c
 * upgrade, which costs a round trip and which few MCP servers speak.
 *
 * <p>Only the headers of the transport are passed on ({@link #REQUEST_HEADERS}): above all the
 * caller's {@code Authorization}, the org's token, never reaches the downstream.
 */
final class McpForwarder implements AutoCloseable {
  static final List<String> REQUEST_HEADERS = List.of("Accept", "Mcp-Session-Id", "MCP-Protocol-Version", "Last-Event-ID");
  static final List<String> RESPONSE_HEADERS = List.of("Mcp-Session-Id", "Cache-Control");
  private static final String DEFAULT_ACCEPT = "application/json, text/event-stream";
  /** How often an idle stream gets an SSE comment: how a caller that went away is noticed, and idle proxies kept open. */
  static final Duration KEEPALIVE = Duration.ofSeconds(15);
  private static final byte[] KEEPALIVE_COMMENT = ": keepalive\n\n".getBytes(StandardCharsets.US_ASCII);

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(DownstreamClients.CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
  // Bounds the body of an answer too, not only its headers (which is all HttpRequest.timeout bounds).
  private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
    var thread = new Thread(r, "mcp-forward-watchdog");
    thread.setDaemon(true);
    return thread;
  });
  /** The SSE streams being passed on, to keep alive and to end on shutdown. */
  private final Set<Relay> relays = ConcurrentHashMap.newKeySet();

  McpForwarder() {
    watchdog.scheduleWithFixedDelay(() -> relays.forEach(Relay::keepAlive), KEEPALIVE.toMillis(), KEEPALIVE.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Ends every stream (their callers reconnect, to another process): the server is shutting down. */
  void closeStreams() {
    relays.forEach(Relay::end);
  }

  /**
   * Forwards the request and writes the downstream's answer to {@code ctx}.
   *
   * @param envelope the JSON-RPC request of a POST, null for GET and DELETE
   * @return what a tools/call came to, for the audit
   * @throws DownstreamException when nothing was written yet and the downstream failed: the caller answers
   */
  Outcome forward(Context ctx, Connection connection, Credentials credentials, String method, byte[] body, JsonRpc.Envelope envelope) {
    var request = request(ctx, connection, credentials, method, body);
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw failure(connection, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DownstreamException(DownstreamException.UNAVAILABLE, "interrupted while calling downstream " + connection.name());
    }
    int status = response.statusCode();
    if (status == 401 || status == 403) {
      close(response.body());
      // Passing a 401 on would tell the IDE its own token is wrong: it is the connection's credentials.
      throw new DownstreamException(DownstreamException.UNAVAILABLE, "downstream " + connection.name()
          + " refused the platform's credentials (HTTP " + status + "): update the connection's auth");
    }
    // A long-lived GET stream (the server's own messages) has no deadline; an answer to a request has.
    var timedOut = new AtomicBoolean();
    ScheduledFuture<?> deadline = "GET".equals(method) ? null : watchdog.schedule(() -> {
      timedOut.set(true);
      close(response.body());
    }, connection.timeout().toMillis(), TimeUnit.MILLISECONDS);
    try {
      String type = response.headers().firstValue("Content-Type").orElse("");
      return type.regionMatches(true, 0, "text/event-stream", 0, 17)
          ? stream(ctx, connection, response, envelope, timedOut)
          : whole(ctx, connection, response, type, envelope, timedOut);
    } finally {
      if (deadline != null) {
        deadline.cancel(false);
      }
      close(response.body());
    }
  }

  private static HttpRequest request(Context ctx, Connection connection, Credentials credentials, String method, byte[] body) {
    var builder = HttpRequest.newBuilder(URI.create(connection.url())).timeout(connection.timeout());
    for (String name : REQUEST_HEADERS) {
      String value = ctx.header(name);
      if (value != null) {
        builder.header(name, value);
      }
    }
    if (ctx.header("Accept") == null) {
      builder.header("Accept", DEFAULT_ACCEPT);
    }
    try {
      credentials.headers().forEach(builder::setHeader);
    } catch (IllegalArgumentException e) {
      // The JDK refuses to set a few headers (Host, Connection, ...): the connection names one of them.
      throw new DownstreamException(DownstreamException.UNAVAILABLE, "connection " + connection.name()
          + " puts its credential in a header that cannot be sent: " + credentials.header());
    }
    return switch (method) {
      case "POST" -> builder.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      case "DELETE" -> builder.DELETE().build();
      default -> builder.GET().build();
    };
  }

  /** A plain answer (JSON, or an empty 202 for a notification): read whole, then written with its length. */
  private static Outcome whole(Context ctx, Connection connection, HttpResponse<InputStream> response, String type,
      JsonRpc.Envelope envelope, AtomicBoolean timedOut) {
    byte[] answer;
    try {
      answer = response.body().readAllBytes();
    } catch (IOException e) {
      throw timedOut.get() ? timeout(connection) : failure(connection, e);
    }
    headers(ctx, response);
    ctx.status(response.statusCode());
    if (!type.isEmpty()) {
      ctx.res().setContentType(type);
    }
    ctx.res().setContentLength(answer.length);
    try {
      ctx.res().getOutputStream().write(answer);
    } catch (IOException e) {
      return Outcome.failed; // the caller went away
    }
    if (envelope == null || !envelope.isToolCall() || response.statusCode() / 100 != 2) {
      return Outcome.failed;
    }
    var outcome = JsonRpc.outcome(answer, 0, answer.length);
    return outcome == null ? Outcome.failed : outcome;
  }

  /**
   * An SSE answer, passed on chunk by chunk and flushed at once, never held back. A tools/call's
   * stream is watched for its response message, for the audit. When the deadline cuts the stream
   * before the response, the caller gets a JSON-RPC error as the stream's last event.
   */
  private Outcome stream(Context ctx, Connection connection, HttpResponse<InputStream> response, JsonRpc.Envelope envelope,
      AtomicBoolean timedOut) {
    headers(ctx, response);
    ctx.status(response.statusCode());
    ctx.res().setContentType("text/event-stream");
    // nginx (the web tier) would otherwise buffer the stream.
    ctx.res().setHeader("X-Accel-Buffering", "no");
    var events = envelope != null && envelope.isToolCall() ? new SseOutcome() : null;
    Relay relay;
    try {
      relay = new Relay(response.body(), ctx.res().getOutputStream());
      relay.out.flush();
    } catch (IOException e) {
      return Outcome.failed;
    }
    relays.add(relay);
    try {
      byte[] buffer = new byte[8192];
      while (true) {
        int n;
        try {
          n = relay.in.read(buffer);
        } catch (IOException e) {
          if (!relay.ended && envelope != null && envelope.expectsAnswer() && (events == null || events.outcome() == null)) {
            var error = timedOut.get() ? timeout(connection) : failure(connection, e);
            relay.write(("event: message\ndata: " + new String(JsonRpc.bytes(JsonRpc.error(envelope.id(), error.code(),
                error.getMessage())), StandardCharsets.UTF_8) + "\n\n").getBytes(StandardCharsets.UTF_8), 0);
          }
          return Outcome.failed;
        }
        if (n < 0) {
          break;
        }
        if (!relay.write(buffer, n)) {
          return Outcome.failed; // the caller went away; closing the body ends the downstream's stream
        }
        if (events != null) {
          events.feed(buffer, 0, n);
        }
      }
      return events == null || events.outcome() == null ? Outcome.failed : events.outcome();
    } finally {
      relays.remove(relay);
    }
  }

  /**
   * One SSE stream being passed on. Writes are serialized, so a keep-alive comment goes in only
   * between events, never inside one; a write that fails (the caller went away) closes the
   * downstream's stream, which ends the reading side.
   */
  private static final class Relay {
    final InputStream in;
    final OutputStream out;
    volatile boolean ended;
    private boolean betweenEvents = true;
    private long lastWrite = System.nanoTime();

    Relay(InputStream in, OutputStream out) {
      this.in = in;
      this.out = out;
    }

    synchronized boolean write(byte[] bytes, int length) {
      if (length == 0) {
        length = bytes.length;
      }
      try {
        out.write(bytes, 0, length);
        out.flush();
        betweenEvents = length >= 2 && bytes[length - 1] == '\n' && bytes[length - 2] == '\n';
        lastWrite = System.nanoTime();
        return true;
      } catch (IOException e) {
        close(in);
        return false;
      }
    }

    synchronized void keepAlive() {
      if (betweenEvents && System.nanoTime() - lastWrite >= KEEPALIVE.toNanos() / 2) {
        write(KEEPALIVE_COMMENT, KEEPALIVE_COMMENT.length);
      }
    }

    void end() {
      ended = true;
      close(in);
    }
  }

  private static void headers(Context ctx, HttpResponse<?> response) {
    for (String name : RESPONSE_HEADERS) {
      response.headers().firstValue(name).ifPresent(value -> ctx.res().setHeader(name, value));
    }
  }

  private static DownstreamException timeout(Connection connection) {
    return new DownstreamException(DownstreamException.TIMEOUT,
        "downstream " + connection.name() + " did not answer within " + connection.timeout().toMillis() + " ms");
  }

  /** What went wrong, naming the connection, never a credential. */
  static DownstreamException failure(Connection connection, Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof HttpConnectTimeoutException) {
        return new DownstreamException(DownstreamException.TIMEOUT, "downstream " + connection.name()
            + " did not accept a connection within " + DownstreamClients.CONNECT_TIMEOUT.toMillis() + " ms");
      }
      if (cause instanceof HttpTimeoutException) {
        return timeout(connection);
      }
      if (cause instanceof ConnectException) {
        return new DownstreamException(DownstreamException.UNAVAILABLE,
            "downstream " + connection.name() + " is unreachable (connection refused)");
      }
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new DownstreamException(DownstreamException.UNAVAILABLE, "downstream " + connection.name() + " failed: " + message);
  }

  private static void close(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Nothing left to do with it.
    }
  }

  @Override
  public void close() {
    closeStreams();
    watchdog.shutdownNow();
    http.close();
  }

  /** Reads SSE events as they pass and keeps the outcome of the first JSON-RPC response among them. */
  static final class SseOutcome {
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    private final java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
    private Outcome outcome;

    Outcome outcome() {
      return outcome;
    }

    void feed(byte[] bytes, int offset, int length) {
      for (int i = offset; i < offset + length && outcome == null; i++) {
        byte b = bytes[i];
        if (b == '\n') {
          endLine();
        } else if (b != '\r') {
          line.write(b);
        }
      }
    }

    private void endLine() {
      byte[] text = line.toByteArray();
      line.reset();
      if (text.length == 0) {
        if (data.size() > 0) {
          byte[] message = data.toByteArray();
          data.reset();
          outcome = JsonRpc.outcome(message, 0, message.length);
        }
        return;
      }
      if (text.length >= 5 && text[0] == 'd' && text[1] == 'a' && text[2] == 't' && text[3] == 'a' && text[4] == ':') {
        int start = text.length > 5 && text[5] == ' ' ? 6 : 5;
        if (data.size() > 0) {
          data.write('\n');
        }
        data.write(text, start, text.length - start);
      }
    }
  }
}
