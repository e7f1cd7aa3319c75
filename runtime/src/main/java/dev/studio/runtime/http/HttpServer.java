package dev.studio.runtime.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.studio.runtime.InvalidSetting;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.javalin.util.JavalinBindException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The Javalin server: JSON, request metrics, the error shape, and every route group. */
public final class HttpServer implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HttpServer.class);
  private static final String STARTED = "studio.started";
  /** Bodies larger than this are refused with 413 unless a route streams its body itself. */
  public static final long MAX_BODY_BYTES = 1_000_000;

  private final Javalin app;
  private final int port;

  public HttpServer(int port, MeterRegistry metrics, List<RouteGroup> groups, Duration stopTimeout) {
    this.port = port;
    app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.jetty.port = port;
      // A request blocks a virtual thread, not a platform one (SSE streams block none: see StreamRoutes).
      config.concurrency.useVirtualThreads = true;
      config.http.maxRequestSize = MAX_BODY_BYTES;
      config.jsonMapper(new JavalinJackson(objectMapper(), false));
      config.jetty.modifyServer(server -> server.setStopTimeout(stopTimeout.toMillis()));
      config.routes.before(ctx -> ctx.attribute(STARTED, System.nanoTime()));
      config.routes.after(ctx -> {
        Long started = ctx.attribute(STARTED);
        if (started != null) {
          var endpoint = ctx.endpoints().lastHttpEndpoint();
          String route = endpoint == null ? "unmatched" : endpoint.path;
          Timer.builder("http.server.requests")
              .tag("method", ctx.method().name())
              .tag("route", route)
              .tag("status", Integer.toString(ctx.statusCode()))
              .register(metrics)
              .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
      });
      new ErrorResponses().register(config.routes);
      groups.forEach(group -> group.register(config.routes));
    });
  }

  public static ObjectMapper objectMapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  }

  /** Starts listening; a port another process holds is an {@link InvalidSetting} naming it. */
  public HttpServer start() {
    try {
      app.start();
    } catch (JavalinBindException e) {
      throw new InvalidSetting("port " + port + " is in use (STUDIO_HTTP_PORT): another process listens there");
    }
    return this;
  }

  public int port() {
    return app.port();
  }

  /** Stops taking connections and lets requests in flight finish, up to the stop timeout. */
  @Override
  public void close() {
    try {
      app.stop();
    } catch (RuntimeException e) {
      // Requests still running when the stop timeout ran out were cut off; the rest of the
      // shutdown (events, datastores) must still happen.
      log.warn("the HTTP server stopped with requests still running: {}", e.toString());
    }
  }
}
