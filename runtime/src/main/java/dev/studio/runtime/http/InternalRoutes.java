package dev.studio.runtime.http;

import dev.studio.runtime.dispatch.Heartbeats;
import dev.studio.runtime.dispatch.Lane;
import dev.studio.runtime.dispatch.RunQueue;
import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/internal/queues} (admin token): queued and running runs per lane and the live
 * workers, for the operator's WorkerPool autoscaler and for operators' dashboards.
 */
public final class InternalRoutes implements RouteGroup {
  private final RunQueue queue;
  private final Heartbeats heartbeats;

  public InternalRoutes(RunQueue queue, Heartbeats heartbeats) {
    this.queue = queue;
    this.heartbeats = heartbeats;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/api/internal/queues", ctx -> {
      Authentication.admin(ctx);
      var depth = queue.depth();
      var running = queue.running();
      var lanes = new LinkedHashMap<String, Object>();
      for (Lane lane : Lane.values()) {
        lanes.put(lane.name(), Map.of("queued", depth.get(lane), "running", running.get(lane)));
      }
      var workers = heartbeats.live().stream().map(w -> Map.of("id", w.id(), "capacity", w.capacity(), "running", w.running(),
          "lanes", w.lanes().stream().map(Lane::name).sorted().toList())).toList();
      ctx.json(Map.of("lanes", lanes, "workers", workers));
    });
  }
}
