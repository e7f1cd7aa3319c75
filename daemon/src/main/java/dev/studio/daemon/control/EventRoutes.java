package dev.studio.daemon.control;

import dev.studio.daemon.DaemonException;
import dev.studio.daemon.events.EventBus;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Duration;

/**
 * {@code GET /_sandbox/events}: the daemon's event stream. With {@code Last-Event-ID} (header, or the
 * {@code lastEventId} query parameter for clients that cannot set headers) it replays what came after that id;
 * without, it starts with the next event.
 */
public final class EventRoutes implements RouteGroup {
  private final EventBus events;
  private final Duration keepAlive;

  public EventRoutes(EventBus events, Duration keepAlive) {
    this.events = events;
    this.keepAlive = keepAlive;
  }

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.get("/_sandbox/events", ctx -> SseStream.serve(ctx, events.subscribe(resumeAfter(ctx)), keepAlive));
  }

  private static long resumeAfter(Context ctx) {
    String header = ctx.header("Last-Event-ID");
    String value = header != null ? header : ctx.queryParam("lastEventId");
    if (value == null || value.isBlank()) {
      return Long.MAX_VALUE;
    }
    try {
      long id = Long.parseLong(value.trim());
      if (id < 0) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw DaemonException.invalidField(header != null ? "Last-Event-ID" : "lastEventId", "must be a non-negative event id");
    }
  }
}
