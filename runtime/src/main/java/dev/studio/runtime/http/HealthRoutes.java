package dev.studio.runtime.http;

import dev.studio.runtime.Lifecycle;
import dev.studio.runtime.datastore.Datastores;
import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Probes. {@code /health/live}: the process is up (a failing liveness probe restarts the pod, so
 * it never depends on a datastore). {@code /health/ready}: it is migrated, not draining, and
 * every datastore answers; the body says which does not.
 */
public final class HealthRoutes implements RouteGroup {
  private final Lifecycle lifecycle;
  private final Datastores datastores;

  public HealthRoutes(Lifecycle lifecycle, Datastores datastores) {
    this.lifecycle = lifecycle;
    this.datastores = datastores;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/health/live", ctx -> ctx.json(Map.of("status", "live")));
    routes.get("/health/ready", ctx -> {
      var body = new LinkedHashMap<String, Object>();
      var state = lifecycle.state();
      var checks = datastores.check();
      boolean ready = state == Lifecycle.State.SERVING && checks.values().stream().allMatch(Datastores.Check::ok);
      body.put("status", ready ? "ready" : state == Lifecycle.State.SERVING ? "unavailable" : state.name().toLowerCase());
      body.put("checks", checks);
      ctx.status(ready ? 200 : 503).json(body);
    });
  }
}
