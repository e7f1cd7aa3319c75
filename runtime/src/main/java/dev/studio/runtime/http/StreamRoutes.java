package dev.studio.runtime.http;

import dev.studio.runtime.store.ThreadStore;
import dev.studio.runtime.stream.StreamHub;
import dev.studio.runtime.stream.Viewer;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import jakarta.servlet.ServletOutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code GET /api/{org}/threads/{thread}/stream}: the thread's events as server-sent events. Each
 * has the stream sequence as its {@code id}; {@code Last-Event-ID} (or {@code ?lastEventId=})
 * resumes after it, with nothing lost or repeated; a comment every few seconds keeps proxies from
 * closing the connection. A client holds no thread: its response is written without blocking, by
 * the thread that delivers each event ({@link dev.studio.runtime.stream.Viewer}).
 */
public final class StreamRoutes implements RouteGroup {
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
    Viewer viewer;
    try {
      viewer = hub.watch(thread.id(), lastSeq);
    } catch (Exception | Error e) {
      clients.release();
      throw e;
    }
    var released = new AtomicBoolean();
    Runnable release = () -> {
      if (released.compareAndSet(false, true)) { // the stream may end by more than one path
        hub.unwatch(thread.id(), viewer);
        clients.release();
      }
    };
    ctx.future(() -> {
      try {
        return respond(ctx, viewer, release);
      } catch (IOException | RuntimeException e) {
        release.run();
        throw new IllegalStateException("cannot start the event stream", e);
      }
    });
  }

  /** Goes non-blocking: from here the viewer writes the response, and ends it. */
  private static CompletableFuture<Void> respond(Context ctx, Viewer viewer, Runnable release)
      throws IOException {
    var request = ctx.req();
    request.getAsyncContext().setTimeout(0);
    var response = ctx.res();
    StreamingResponse.start(response, "text/event-stream;charset=utf-8");
    ServletOutputStream out = response.getOutputStream();
    var connection = new SseConnection(out, viewer);
    connection.done.whenComplete((ignored, failure) -> release.run());
    request.getAsyncContext().addListener(connection);
    out.setWriteListener(connection);
    return connection.done;
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

}
