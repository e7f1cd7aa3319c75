package dev.studio.runtime.link.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.runtime.Version;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link process: says it is here (a heartbeat at the pace the platform asks for: a third of
 * the presence TTL), long-polls for the user's runs and runs them one at a time, in the order the
 * user posted them. Stopping cleanly (SIGTERM, Ctrl-C) says goodbye, so the user's next runs go
 * to the platform's workers at once rather than after the TTL.
 */
public final class DesktopLink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DesktopLink.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LinkConfig config;
  private final PlatformClient platform;
  private final LocalSandboxes sandboxes;
  private final LinkRunner runner;
  private final Set<UUID> running = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService heartbeat =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("link-heartbeat").daemon(true).factory());
  private final String started = Instant.now().toString();
  private volatile boolean stopping;

  public DesktopLink(LinkConfig config) {
    this.config = config;
    this.platform = new PlatformClient(config);
    this.sandboxes = new LocalSandboxes(config.daemonCommand(), config.workspaces());
    this.runner = new LinkRunner(platform, sandboxes, () -> stopping, "link:" + config.linkId());
  }

  /** Registers presence; throws if the platform refuses (a bad token: 401; an old link: 426). */
  public void start() throws IOException, InterruptedException {
    var answer = beat();
    long every = Math.max(500, answer.path("heartbeatMillis").asLong(20_000));
    heartbeat.scheduleWithFixedDelay(this::beatQuietly, every, every, TimeUnit.MILLISECONDS);
    log.info("link {} is live at {} (heartbeat every {} ms); workspaces in {}", config.linkId(), config.url(), every,
        config.workspaces());
  }

  /** Polls and runs until stopped. */
  public void serve() throws InterruptedException {
    long backoff = 500;
    while (!stopping) {
      try {
        var item = platform.poll(config.pollSeconds());
        backoff = 500;
        if (item.isEmpty()) {
          continue;
        }
        UUID run = UUID.fromString(item.get().path("run").path("id").asText());
        running.add(run);
        try {
          runner.run(item.get());
        } finally {
          running.remove(run);
        }
      } catch (IOException e) {
        if (stopping) {
          return;
        }
        log.warn("cannot reach the platform ({}); trying again in {} ms", e.getMessage(), backoff);
        Thread.sleep(backoff);
        backoff = Math.min(backoff * 2, Duration.ofSeconds(15).toMillis());
      }
    }
  }

  private com.fasterxml.jackson.databind.JsonNode beat() throws IOException, InterruptedException {
    var body = JSON.createObjectNode().put("host", config.host()).put("version", Version.get()).put("started", started);
    var runs = body.putArray("running");
    running.forEach(r -> runs.add(r.toString()));
    return platform.presence(body);
  }

  private void beatQuietly() {
    try {
      beat();
    } catch (IOException e) {
      log.warn("heartbeat failed: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stopping = true;
    heartbeat.shutdownNow();
    try {
      platform.leave();
    } catch (IOException e) {
      log.warn("could not say goodbye to the platform ({}); its presence entry ages out", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sandboxes.close();
  }
}
