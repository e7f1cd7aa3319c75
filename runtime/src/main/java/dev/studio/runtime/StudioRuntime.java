package dev.studio.runtime;

import dev.studio.runtime.admission.Backpressure;
import dev.studio.runtime.admission.RateLimiter;
import dev.studio.runtime.agent.AgentLoop;
import dev.studio.runtime.agent.AgentRunner;
import dev.studio.runtime.agent.model.ModelProvider;
import dev.studio.runtime.agent.model.ModelProviders;
import dev.studio.runtime.agent.tools.BuiltinTools;
import dev.studio.runtime.agent.tools.Tool;
import dev.studio.runtime.agent.tools.ToolRegistry;
import dev.studio.runtime.agent.TurnPlan;
import dev.studio.runtime.auth.Authenticator;
import dev.studio.runtime.bundle.BundleModels;
import dev.studio.runtime.bundle.Bundles;
import dev.studio.runtime.datastore.Datastores;
import dev.studio.runtime.dispatch.CancelSignals;
import dev.studio.runtime.dispatch.Heartbeats;
import dev.studio.runtime.dispatch.Lane;
import dev.studio.runtime.dispatch.Reaper;
import dev.studio.runtime.dispatch.RunQueue;
import dev.studio.runtime.dispatch.RunSource;
import dev.studio.runtime.dispatch.RunSubmitter;
import dev.studio.runtime.dispatch.Sweeper;
import dev.studio.runtime.dispatch.WorkSource;
import dev.studio.runtime.dispatch.Worker;
import dev.studio.runtime.files.FileRoutes;
import dev.studio.runtime.files.FileStore;
import dev.studio.runtime.http.Authentication;
import dev.studio.runtime.http.HealthRoutes;
import dev.studio.runtime.http.HttpServer;
import dev.studio.runtime.http.InternalRoutes;
import dev.studio.runtime.http.MetricsRoutes;
import dev.studio.runtime.http.OrgRoutes;
import dev.studio.runtime.http.RouteGroup;
import dev.studio.runtime.http.RunRoutes;
import dev.studio.runtime.http.SandboxRoutes;
import dev.studio.runtime.http.SessionRoutes;
import dev.studio.runtime.http.StreamRoutes;
import dev.studio.runtime.http.ThreadRoutes;
import dev.studio.runtime.http.TokenRoutes;
import dev.studio.runtime.jobs.JobHandler;
import dev.studio.runtime.jobs.JobSource;
import dev.studio.runtime.jobs.JobStream;
import dev.studio.runtime.link.Links;
import dev.studio.runtime.mcp.Mcp;
import dev.studio.runtime.orgfs.ChangeSignals;
import dev.studio.runtime.orgfs.OrgFileStore;
import dev.studio.runtime.orgfs.OrgFiles;
import dev.studio.runtime.orgfs.OrgFsRoutes;
import dev.studio.runtime.sandbox.IssuedSandboxTokens;
import dev.studio.runtime.sandbox.KubernetesSandboxProvider;
import dev.studio.runtime.sandbox.LocalSandboxProvider;
import dev.studio.runtime.sandbox.SandboxProvider;
import dev.studio.runtime.sandbox.SandboxService;
import dev.studio.runtime.sandbox.SandboxStore;
import dev.studio.runtime.sandbox.SandboxTools;
import dev.studio.runtime.store.Migrations;
import dev.studio.runtime.store.NoteStore;
import dev.studio.runtime.store.OrgStore;
import dev.studio.runtime.store.RunStore;
import dev.studio.runtime.store.StepJournal;
import dev.studio.runtime.store.ThreadStore;
import dev.studio.runtime.store.TokenStore;
import dev.studio.runtime.stream.JetStreamPublisher;
import dev.studio.runtime.stream.RunEnds;
import dev.studio.runtime.stream.StreamHub;
import dev.studio.runtime.stream.Streams;
import dev.studio.runtime.web.WebAssets;
import dev.studio.runtime.web.WebRoutes;
import dev.studio.runtime.vault.Vault;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One runtime process: its datastores, its HTTP server and, by role, the api routes and the
 * worker. Start-up: listen (so probes answer), migrate (retrying while PostgreSQL is not there
 * yet), then serve and work. Shutdown: turn unready and stop claiming at once, keep serving briefly
 * while load balancers notice, then let requests and runs in flight finish, handing back what is
 * left, all within {@code SHUTDOWN_GRACE_SECONDS}.
 */
public final class StudioRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StudioRuntime.class);
  static final String TOKEN_REVOKED = "studio.control.token-revoked";

  private final RuntimeConfig config;
  private final Lifecycle lifecycle = new Lifecycle();
  private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
    var thread = new Thread(r, "runtime-timers");
    thread.setDaemon(true);
    return thread;
  });
  private final Datastores datastores;
  private final Stores stores;
  private final RunQueue queue;
  private final Heartbeats heartbeats;
  private final JetStreamPublisher events;
  private final RunEnds ends;
  private final SandboxService sandboxes;
  private final CancelSignals cancels;
  private final JobStream jobs;
  private final StreamHub hub;
  private final HttpServer http;
  private final List<JobHandler> jobHandlers = new ArrayList<>();
  private final ModelProvider model;
  private final ToolRegistry tools;
  /** The platform's own tools without the sandbox ones: what a linked run calls back here for. */
  private final ToolRegistry builtinTools;
  private final Bundles bundles;
  private final Mcp mcp;
  private volatile Worker worker;
  private volatile ChangeSignals orgFsSignals;
  private volatile Map<Lane, Long> depth = new EnumMap<>(Lane.class);

  /** The stores, one per kind of record. */
  public record Stores(OrgStore orgs, TokenStore tokens, ThreadStore threads, RunStore runs, StepJournal journal, NoteStore notes) {}

  private StudioRuntime(RuntimeConfig config) throws Exception {
    this.config = config;
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    datastores = Datastores.open(config);
    var jdbi = datastores.postgres().jdbi();
    stores = new Stores(new OrgStore(jdbi), new TokenStore(jdbi), new ThreadStore(jdbi), new RunStore(datastores.postgres()), new StepJournal(jdbi),
        new NoteStore(jdbi));
    var nats = datastores.nats().connection();
    Streams.ensure(nats);
    queue = new RunQueue(datastores.redis());
    heartbeats = new Heartbeats(datastores.redis());
    events = new JetStreamPublisher(nats, metrics);
    ends = new RunEnds(events, stores.runs());
    var sandboxTokens = new IssuedSandboxTokens(stores.tokens(),
        id -> nats.publish(TOKEN_REVOKED, id.toString().getBytes(StandardCharsets.UTF_8)));
    sandboxes = new SandboxService(new SandboxStore(jdbi), sandboxProvider(config.sandboxes(), config.podNamespace()),
        sandboxTokens, () -> sandboxApiUrl(config));
    cancels = new CancelSignals(nats);
    jobs = new JobStream(datastores.redis());
    model = ModelProviders.from(config.model());
    var vault = new Vault(config.encryptionKey());
    mcp = new Mcp(jdbi, vault, datastores.nats(), datastores.redis(), config.instance(), config.publicUrl());
    builtinTools = new ToolRegistry(BuiltinTools.all(stores.notes(), Clock.systemUTC()));
    List<Tool> toolList = new ArrayList<>(BuiltinTools.all(stores.notes(), Clock.systemUTC()));
    toolList.addAll(SandboxTools.all(sandboxes));
    tools = new ToolRegistry(toolList);
    bundles = datastores.objectStore().isPresent()
        ? new Bundles(jdbi, datastores.objectStore().get(), datastores.nats(), config.instance(), vault,
            tools.names(), new BundleModels(config.model(), model))
        : null;
    if (bundles == null) {
      log.info("bundles are off: no object store configured (S3_ENDPOINT, S3_BUCKET)");
    }
    for (Lane lane : Lane.values()) {
      Gauge.builder("studio.queue.depth", () -> depth.getOrDefault(lane, 0L)).tag("lane", lane.name())
          .description("Runs waiting on the lane").register(metrics);
    }

    List<RouteGroup> routes = new ArrayList<>();
    routes.add(new HealthRoutes(lifecycle, datastores));
    routes.add(new MetricsRoutes(metrics));
    if (config.role().servesApi()) {
      hub = new StreamHub(datastores.nats(), metrics);
      routes.addAll(apiRoutes());
      routes.add(new WebRoutes(WebAssets.load()));
      sandboxes.startActivityReports();
    } else {
      hub = null;
    }
    http = new HttpServer(config.httpPort(), metrics, routes, config.shutdownGrace());
  }

  private List<RouteGroup> apiRoutes() throws Exception {
    var dispatch = config.dispatch();
    var authenticator = new Authenticator(stores.tokens(), config.adminToken());
    var nats = datastores.nats().connection();
    // A revocation anywhere clears every process's token cache.
    nats.createDispatcher(message -> authenticator.forget(UUID.fromString(new String(message.getData(), StandardCharsets.UTF_8))))
        .subscribe(TOKEN_REVOKED);
    var authentication = new Authentication(authenticator, stores.orgs());
    var links = new Links(config.links(), new Links.Needs(nats, datastores.postgres().jdbi(), stores.runs(), stores.journal(),
        stores.orgs(), sandboxes.store(), queue, events, ends, model, builtinTools, mcp.orgTools(), config.jwtSecret()));
    links.startWatching(timers);
    var submitter = new RunSubmitter(queue, events, metrics, links.handoff());
    var rateLimiter = new RateLimiter(datastores.redis(), dispatch.rateLimits());
    var backpressure = new Backpressure(queue, heartbeats, dispatch.queuePerSlot(), dispatch.queueFloor());
    var routes = new ArrayList<RouteGroup>(List.of(
        authentication,
        new OrgRoutes(stores.orgs()),
        new SessionRoutes(stores.orgs(), config.model()),
        new TokenRoutes(authentication, stores.tokens(), id -> {
          authenticator.forget(id);
          nats.publish(TOKEN_REVOKED, id.toString().getBytes(StandardCharsets.UTF_8));
        }),
        new ThreadRoutes(authentication, stores.threads(), stores.runs(), submitter, rateLimiter, backpressure, dispatch.maxSteps(),
            bundle -> bundles != null && bundles.registry().settings(bundle).isPresent()),
        new RunRoutes(authentication, stores.runs(), stores.journal(), submitter, ends, cancels),
        new StreamRoutes(authentication, stores.threads(), hub, dispatch.maxStreamClients()),
        new SandboxRoutes(authentication, sandboxes),
        new InternalRoutes(queue, heartbeats)));
    routes.addAll(links.routes(authentication));
    routes.addAll(mcp.routes(authentication, authenticator));
    if (bundles != null) {
      routes.addAll(bundles.routes(authentication, jobs, heartbeats));
    }
    datastores.objectStore().ifPresentOrElse(objects -> {
      var jdbi = datastores.postgres().jdbi();
      orgFsSignals = new ChangeSignals(datastores.nats());
      var orgFiles = new OrgFiles(objects, new OrgFileStore(jdbi), orgFsSignals, config.orgFs().quotaBytes());
      routes.add(new OrgFsRoutes(authentication, orgFiles, config.orgFs().changesWait()));
      routes.add(new FileRoutes(authentication, new FileStore(jdbi), objects, config.files().maxUploadBytes(), config.files().urlTtl()));
    }, () -> log.info("org-fs and files routes are off: no object store configured (S3_ENDPOINT, S3_BUCKET)"));
    return routes;
  }

  /** Starts a runtime; returns once it serves (after migrating). */
  public static StudioRuntime start(RuntimeConfig config) throws Exception {
    return start(config, List.of());
  }

  /** Starts a runtime whose workers also handle the given background job kinds. */
  public static StudioRuntime start(RuntimeConfig config, List<JobHandler> jobHandlers) throws Exception {
    var runtime = new StudioRuntime(config);
    runtime.jobHandlers.addAll(jobHandlers);
    try {
      runtime.http.start();
    } catch (InvalidSetting e) {
      runtime.close(); // its datastore clients' threads would keep a runtime that cannot serve alive
      throw e;
    }
    runtime.migrate();
    if (runtime.bundles != null) {
      runtime.bundles.start();
    }
    if (config.role().runsWork()) {
      runtime.worker = runtime.startWorker();
    }
    runtime.timers.scheduleAtFixedRate(runtime::measureQueues, 0, 2, TimeUnit.SECONDS);
    runtime.lifecycle.serving();
    log.info("studio {} serving on :{} (role {}, model {}{})", version(), runtime.http.port(), config.role(),
        config.model().provider(), config.model().provider() == RuntimeConfig.Model.Provider.dev
            ? ": the offline dev model, no model provider configured" : "");
    return runtime;
  }

  /**
   * The API as a sandbox's org-fs sidecar reaches it: this process on the loopback for local
   * sandboxes; the public URL (the front door proxies /api) for sandboxes in the cluster.
   */
  private String sandboxApiUrl(RuntimeConfig config) {
    return config.sandboxes().provider() == RuntimeConfig.Sandboxes.Provider.local
        ? "http://127.0.0.1:" + http.port() : config.publicUrl();
  }

  private static SandboxProvider sandboxProvider(RuntimeConfig.Sandboxes config, Optional<String> namespace) {
    return switch (config.provider()) {
      case local -> new LocalSandboxProvider(config.daemonCommand());
      case kubernetes -> new KubernetesSandboxProvider(new KubernetesClientBuilder().build(),
          namespace.orElseThrow(() -> new InvalidSetting("POD_NAMESPACE: SANDBOX_PROVIDER=kubernetes needs the namespace")),
          config.studioDeployment().orElseThrow(
              () -> new InvalidSetting("STUDIO_DEPLOYMENT: SANDBOX_PROVIDER=kubernetes needs the StudioDeployment's name")),
          KubernetesSandboxProvider.READY_TIMEOUT);
    };
  }

  private Worker startWorker() {
    var dispatch = config.dispatch();
    String id = config.podName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    var loop = new AgentLoop(model, tools, mcp.orgTools(), stores.journal(), events, null, 4096);
    var runner = new AgentRunner(stores.runs(), stores.journal(), loop, events, ends, id, metrics,
        bundles == null ? TurnPlan.Planner.PLATFORM : bundles.turns(loop.platform()));
    List<JobHandler> handlers = new ArrayList<>(jobHandlers);
    if (bundles != null) {
      handlers.add(bundles.jobs());
      heartbeats.reportBundles(bundles.registry()::loaded);
      var schedules = bundles.schedules(jobs, Clock.systemUTC());
      timers.scheduleAtFixedRate(() -> {
        try {
          schedules.tick();
        } catch (RuntimeException e) {
          log.warn("bundle schedules: {}", e.toString());
        }
      }, 1, 5, TimeUnit.SECONDS);
    }
    var lanes = List.copyOf(config.listenQueues());
    var runSource = new RunSource(queue, runner, lanes, id, dispatch.lease(), metrics);
    List<WorkSource> sources = new ArrayList<>();
    sources.add(runSource);
    sources.add(new JobSource(jobs, id, dispatch.jobReclaim(), handlers, metrics));
    cancels.listen(runSource::cancel);
    var reaper = new Reaper(queue, stores.runs(), stores.journal(), events, ends, metrics);
    var sweeper = new Sweeper(queue, stores.runs(), ends, datastores.redis(), id, Duration.ofSeconds(10), metrics);
    log.info("worker {} takes runs from {} ({} at once, model {})", id, lanes, config.maxConcurrentRuns(), model.label());
    var worker = new Worker(id, config.maxConcurrentRuns(), lanes, sources, runSource, reaper, sweeper, heartbeats, datastores.redis(),
        Worker.Timing.forLease(dispatch.lease()), metrics);
    if (bundles != null) {
      bundles.registry().onChange(worker::beatNow);
    }
    return worker;
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

  private void measureQueues() {
    try {
      depth = queue.depth();
    } catch (RuntimeException e) {
      // Redis is away; readiness says so.
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

  public Stores stores() {
    return stores;
  }

  public JobStream jobs() {
    return jobs;
  }

  /** The bundle feature, when an object store is configured. */
  public Optional<Bundles> bundles() {
    return Optional.ofNullable(bundles);
  }

  public RunQueue queue() {
    return queue;
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
    Duration grace = config.shutdownGrace();
    lifecycle.draining();
    if (worker != null) {
      worker.stopClaiming();
    }
    // Keep answering while load balancers see the failing readiness probe and stop sending.
    Duration notice = grace.dividedBy(4).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : grace.dividedBy(4);
    sleep(notice);
    if (hub != null) {
      hub.closeViewers();
    }
    mcp.closeStreams();
    if (orgFsSignals != null) {
      orgFsSignals.drain(); // long polls answer now rather than hold the server past its grace
    }
    if (worker != null) {
      Duration left = grace.minus(Duration.ofNanos(System.nanoTime() - start)).minusSeconds(1);
      worker.stop(left.isNegative() ? Duration.ZERO : left);
    }
    http.close();
    try {
      events.drain(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    events.close();
    if (bundles != null) {
      try {
        bundles.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    sandboxes.close();
    try {
      mcp.close(); // writes the audit rows still queued
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      ends.close(); // records the last acknowledgements before the database goes
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    cancels.close();
    if (hub != null) {
      hub.close();
    }
    if (orgFsSignals != null) {
      orgFsSignals.close();
    }
    timers.shutdownNow();
    datastores.close();
    metrics.close();
    log.info("stopped in {} ms", (System.nanoTime() - start) / 1_000_000);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String version() {
    return Version.get();
  }
}
