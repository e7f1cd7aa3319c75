package dev.studio.daemon.control;

import dev.studio.daemon.ActivityClock;
import io.javalin.router.JavalinDefaultRoutingApi;

/** {@code GET /_sandbox/idle}: when the sandbox was last used, for the operator's idle expiry. Asking is not use. */
public final class IdleRoutes implements RouteGroup {
  record Idle(String lastActivity, long idleSeconds) {
  }

  private final ActivityClock activity;

  public IdleRoutes(ActivityClock activity) {
    this.activity = activity;
  }

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.get("/_sandbox/idle", ctx -> ctx.json(new Idle(activity.lastActivity().toString(), activity.idleFor().toSeconds())));
  }
}
