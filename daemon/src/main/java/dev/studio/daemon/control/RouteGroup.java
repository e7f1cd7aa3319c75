package dev.studio.daemon.control;

import io.javalin.router.JavalinDefaultRoutingApi;

/** One feature's routes on the control API. */
public interface RouteGroup {
  void addTo(JavalinDefaultRoutingApi routes);
}
