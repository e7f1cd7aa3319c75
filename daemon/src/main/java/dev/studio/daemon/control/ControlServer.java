package dev.studio.daemon.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.daemon.ActivityClock;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.json.JavalinJackson;
import java.util.List;

/**
 * The control API on its own port. Every path but {@code GET /health} needs the bearer token: the check is in front
 * of routing, so unknown paths are not revealed to callers without it. Handlers run on virtual threads, which lets
 * the event streams simply block while they wait.
 */
public final class ControlServer implements AutoCloseable {
  private final Javalin app;

  public ControlServer(String bindAddress, int port, ObjectMapper json, BearerAuth auth, ActivityClock activity,
      List<RouteGroup> groups) {
    app = Javalin.create(config -> {
      config.jetty.host = bindAddress;
      config.jetty.port = port;
      config.concurrency.useVirtualThreads = true;
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.startup.startupWatcherEnabled = false;
      // Event streams must reach the client as written, not when a compressor's buffer fills.
      config.http.compressionStrategy = CompressionStrategy.NONE;
      config.http.maxRequestSize = JsonBody.MAX_BYTES;
      config.jsonMapper(new JavalinJackson(json, true));
      config.routes.before(ctx -> {
        boolean health = ctx.path().equals("/health") && ctx.method().name().equals("GET");
        if (health) {
          return;
        }
        if (!auth.accepts(ctx.header("Authorization"))) {
          throw new UnauthorizedException();
        }
        if (!ctx.path().equals("/_sandbox/idle")) {
          activity.touch();
        }
      });
      config.routes.get("/health", ctx -> ctx.json(java.util.Map.of("status", "ok")));
      ErrorMapping.install(config.routes);
      groups.forEach(group -> group.addTo(config.routes));
    });
  }

  public void start() {
    app.start();
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
