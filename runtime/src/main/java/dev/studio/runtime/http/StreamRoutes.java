package dev.studio.runtime.http;

import dev.studio.runtime.store.ThreadStore;
import dev.studio.runtime.stream.StreamEvent;
import dev.studio.runtime.stream.StreamHub;
import dev.studio.runtime.stream.Viewer;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * {@code GET /api/{org}/threads/{thread}/stream}: the thread's events as server-sent events. Each
 * has the stream sequence as its {@code id}; {@code Last-Event-ID} (or {@code ?lastEventId=})
 * resumes after it, with nothing lost or repeated; a comment every few seconds keeps proxies from
 * closing the connection. Each client blocks a virtual thread, not a platform one.
 */
public final class StreamRoutes implements RouteGroup {
  static final Duration KEEPALIVE = Duration.ofSeconds(3);

  private final Authentication authentication;
  private final ThreadStore threads;
  private final StreamHub hub;
  private final Semaphore clients;

  public StreamRoutes(Authentication authentication, ThreadStore threads, StreamHub hub, int maxClients) {
    this.authentication = authentication;
    this.threads = threads;
    this.hub = hub;
    this.clients = new Semaphore(maxClients);
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/api/{org}/threads/{thread}/stream", this::stream);
  }

  private void stream(Context ctx) throws Exception {
    var scope = authentication.scope(ctx);
    var thread = threads.get(scope.org().id(), Ids.parse("thread", ctx.pathParam("thread")))
        .orElseThrow(() -> ApiException.notFound("thread", ctx.pathParam("thread")));
    long lastSeq = lastEventId(ctx);
    if (!clients.tryAcquire()) {
      throw ApiException.unavailable("this server has as many stream clients as it takes; try another or later", Duration.ofSeconds(2));
    }
    try {
      Viewer viewer = hub.watch(thread.id(), lastSeq);
      try {
        var response = ctx.res();
        response.setStatus(200);
        response.setContentType("text/event-stream;charset=utf-8");
        response.setHeader("Cache-Control", "no-cache, no-transform");
        response.setHeader("X-Accel-Buffering", "no");
        OutputStream out = response.getOutputStream();
        write(out, "retry: 2000\n\n");
        while (true) {
          StreamEvent event = viewer.next(KEEPALIVE.toMillis());
          if (event != null) {
            out.write(event.frame());
            out.flush();
          } else if (viewer.overflowed()) {
            write(out, ": too far behind; reconnect with Last-Event-ID\n\n");
            return;
          } else if (viewer.closed()) {
            write(out, "event: server.shutdown\ndata: {}\n\n");
            return;
          } else {
            write(out, ": keepalive\n\n");
          }
        }
      } catch (IOException e) {
        // The client went away.
      } finally {
        hub.unwatch(thread.id(), viewer);
      }
    } finally {
      clients.release();
    }
  }

  private static long lastEventId(Context ctx) {
    String value = ctx.header("Last-Event-ID");
    if (value == null || value.isBlank()) {
      value = ctx.queryParam("lastEventId");
    }
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Last-Event-ID", "Last-Event-ID must be the id of an event of this stream");
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
