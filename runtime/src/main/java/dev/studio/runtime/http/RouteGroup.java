package dev.studio.runtime.http;

import io.javalin.config.RoutesConfig;

/** A set of routes a feature contributes to the server. */
@FunctionalInterface
public interface RouteGroup {
  void register(RoutesConfig routes);
}
