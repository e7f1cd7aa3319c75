package dev.studio.runtime;

import dev.studio.runtime.datastore.Datastores;
import dev.studio.runtime.http.HealthRoutes;
import dev.studio.runtime.http.HttpServer;
import dev.studio.runtime.http.MetricsRoutes;
import dev.studio.runtime.http.RouteGroup;
import dev.studio.runtime.store.Migrations;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One runtime process: its datastores, its HTTP server and, by role, the api routes and the
 * workers. Start-up: listen (so probes answer), migrate (retrying while PostgreSQL is not there
 * yet), then serve. Shutdown: turn unready, keep serving briefly while load balancers notice, then
 * let requests in flight finish, all within {@code SHUTDOWN_GRACE_SECONDS}.
 */
public final class StudioRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StudioRuntime.class);

  private final RuntimeConfig config;
  private final Lifecycle lifecycle = new Lifecycle();
  private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Datastores datastores;
  private final HttpServer http;

  private StudioRuntime(RuntimeConfig config) throws Exception {
    this.config = config;
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    datastores = Datastores.open(config);
    List<RouteGroup> routes = new ArrayList<>();
    routes.add(new HealthRoutes(lifecycle, datastores));
    routes.add(new MetricsRoutes(metrics));
    http = new HttpServer(config.httpPort(), metrics, routes, config.shutdownGrace());
  }

  /** Starts a runtime; returns once it serves (after migrating). */
  public static StudioRuntime start(RuntimeConfig config) throws Exception {
    var runtime = new StudioRuntime(config);
    runtime.http.start();
    runtime.migrate();
    runtime.lifecycle.serving();
    log.info("studio {} serving on :{} (role {}, model {}{})", version(), runtime.http.port(), config.role(),
        config.model().provider(), config.model().provider() == RuntimeConfig.Model.Provider.dev
            ? ": the offline dev model, no model provider configured" : "");
    return runtime;
  }

  private void migrate() throws InterruptedException {
    var migrations = Migrations.fromClasspath();
    Duration wait = Duration.ofMillis(500);
    while (!closed.get()) {
      try {
        var applied = migrations.apply(datastores.postgres().jdbi());
        log.info(applied.isEmpty() ? "database schema is up to date" : "database migrated: applied {}", applied);
        return;
      } catch (IllegalStateException e) {
        throw e;
      } catch (RuntimeException e) {
        log.warn("waiting for PostgreSQL to migrate the schema: {}", Redact.urls(String.valueOf(e.getMessage())));
        Thread.sleep(wait.toMillis());
        wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : wait.multipliedBy(2);
      }
    }
  }

  public int port() {
    return http.port();
  }

  public RuntimeConfig config() {
    return config;
  }

  public Datastores datastores() {
    return datastores;
  }

  public Lifecycle lifecycle() {
    return lifecycle;
  }

  /** Graceful stop within the configured grace; safe to call twice. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long start = System.nanoTime();
    lifecycle.draining();
    Duration grace = config.shutdownGrace();
    // Keep answering while load balancers see the failing readiness probe and stop sending.
    Duration notice = grace.dividedBy(4).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : grace.dividedBy(4);
    try {
      Thread.sleep(notice.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.close();
    datastores.close();
    metrics.close();
    log.info("stopped in {} ms", (System.nanoTime() - start) / 1_000_000);
  }

  static String version() {
    return Version.get();
  }
}
