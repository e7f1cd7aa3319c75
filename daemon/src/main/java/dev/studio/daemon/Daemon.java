package dev.studio.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.daemon.claim.ClaimConfig;
import dev.studio.daemon.claim.ClaimConfigStore;
import dev.studio.daemon.control.BashRoutes;
import dev.studio.daemon.control.BearerAuth;
import dev.studio.daemon.control.ConfigRoutes;
import dev.studio.daemon.control.ControlServer;
import dev.studio.daemon.control.EventRoutes;
import dev.studio.daemon.control.FileRoutes;
import dev.studio.daemon.control.GitRoutes;
import dev.studio.daemon.control.IdleRoutes;
import dev.studio.daemon.control.SetupRoutes;
import dev.studio.daemon.control.TaskRoutes;
import dev.studio.daemon.events.EventBus;
import dev.studio.daemon.git.GitService;
import dev.studio.daemon.git.PublishResult;
import dev.studio.daemon.preview.PreviewServer;
import dev.studio.daemon.process.BashRunner;
import dev.studio.daemon.process.ProcessLauncher;
import dev.studio.daemon.setup.SetupService;
import dev.studio.daemon.tasks.TaskInfo;
import dev.studio.daemon.tasks.TaskListener;
import dev.studio.daemon.tasks.TaskManager;
import dev.studio.daemon.workspace.FileService;
import dev.studio.daemon.workspace.GlobService;
import dev.studio.daemon.workspace.GrepService;
import dev.studio.daemon.workspace.WorkspaceRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running daemon: every part wired together, both ports listening. */
public final class Daemon implements AutoCloseable {
  /** Comment lines on quiet event streams, so proxies and clients see the connection is alive. */
  public static final Duration SSE_KEEPALIVE = Duration.ofSeconds(15);
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  private final DaemonConfig config;
  private final ClaimConfigStore claim;
  private final EventBus events;
  private final TaskManager tasks;
  private final GitService git;
  private final GrepService grep;
  private final ControlServer control;
  private final PreviewServer preview;

  private Daemon(DaemonConfig config, Duration keepAlive) throws IOException {
    this.config = config;
    Files.createDirectories(config.workspace());
    ObjectMapper json = Json.mapper();
    Clock clock = Clock.systemUTC();
    ActivityClock activity = new ActivityClock(clock);
    claim = new ClaimConfigStore();
    events = new EventBus(json);
    BearerAuth auth = new BearerAuth(config.token());
    WorkspaceRoot root = new WorkspaceRoot(config.workspace());
    ProcessLauncher launcher = new ProcessLauncher(root.realRoot(), () -> claim.get().env());
    tasks = new TaskManager(launcher, new TaskEvents(events), json, clock);
    git = new GitService(launcher, root, () -> claim.get().authorOrDefault());
    grep = new GrepService(root);
    FileService files = new FileService(root, change -> events.publish("file.changed", change));
    SetupService setup = new SetupService(claim, git, launcher, tasks, events);
    control = new ControlServer(config.bindAddress(), config.controlPort(), json, auth, activity, List.of(
        new IdleRoutes(activity),
        new ConfigRoutes(claim, auth, json, config.orgfsConfigFile()),
        new SetupRoutes(setup),
        new FileRoutes(files, grep, new GlobService(root), json),
        new BashRoutes(new BashRunner(launcher), json),
        new GitRoutes(git, events, json),
        new TaskRoutes(tasks, json, keepAlive),
        new EventRoutes(events, keepAlive)));
    preview = new PreviewServer(config.bindAddress(), config.previewPort(), () -> claim.get().devServerPort(), activity);
  }

  public static Daemon start(DaemonConfig config) throws Exception {
    return start(config, SSE_KEEPALIVE);
  }

  /** Starts with a different keepalive interval on event streams (tests want to see one without waiting 15 s). */
  public static Daemon start(DaemonConfig config, Duration sseKeepAlive) throws Exception {
    Daemon daemon = new Daemon(config, sseKeepAlive);
    try {
      daemon.control.start();
      daemon.preview.start();
    } catch (Exception e) {
      daemon.close();
      throw e;
    }
    LOG.info("control API on {}:{}, preview on {}:{}, workspace {}", config.bindAddress(), daemon.controlPort(),
        config.bindAddress(), daemon.previewPort(), config.workspace());
    Thread.ofPlatform().name("grep-warmup").daemon(true).priority(Thread.MIN_PRIORITY).start(daemon.grep::warmUp);
    return daemon;
  }

  public int controlPort() {
    return control.port();
  }

  public int previewPort() {
    return preview.port();
  }

  /**
   * The SIGTERM path: publish uncommitted work if the claim asked for it (within the configured bound, so the pod's
   * grace period is not overrun), then stop everything.
   */
  public void shutdown() {
    ClaimConfig current = claim.get();
    if (current.publishOnShutdown() && git.isRepository()) {
      publishBeforeExit(config.shutdownPublishTimeout());
    }
    close();
  }

  private void publishBeforeExit(Duration bound) {
    CompletableFuture<PublishResult> publish = CompletableFuture.supplyAsync(
        () -> git.publish("Save work in progress at sandbox shutdown", null),
        command -> Thread.ofPlatform().name("shutdown-publish").start(command));
    try {
      PublishResult result = publish.get(bound.toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("published work at shutdown: {} on {} (new commit: {})", result.sha(), result.branch(), result.committed());
    } catch (TimeoutException e) {
      LOG.warn("publishing at shutdown did not finish within {} s; giving up", bound.toSeconds());
      publish.cancel(true);
    } catch (ExecutionException e) {
      LOG.warn("publishing at shutdown failed: {}", e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    tasks.close();
    events.close();
    closeQuietly(control);
    closeQuietly(preview);
    grep.close();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.warn("while stopping: {}", e.toString());
    }
  }

  /** Announces task starts, output and exits on the event stream. */
  private record TaskEvents(EventBus events) implements TaskListener {
    @Override
    public void started(TaskInfo task) {
      events.publish("task.started", task);
    }

    @Override
    public void output(String taskId, String line) {
      events.publish("task.output", Map.of("id", taskId, "line", line));
    }

    @Override
    public void ended(TaskInfo task) {
      events.publish("task.exited", task);
    }
  }
}
