package dev.studio.runtime.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users' sandboxes: one per user and project. Creating one records it, then (off the request)
 * launches its daemon through the provider, hands it the project's configuration and runs setup:
 * clone → install → build → start; the sandbox is {@code ready} once its preview serves the dev
 * server, {@code failed} with the reason otherwise.
 */
public final class SandboxService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SandboxService.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration SETUP_TIMEOUT = Duration.ofMinutes(10);
  static final Duration DEV_SERVER_TIMEOUT = Duration.ofMinutes(2);

  private final SandboxStore store;
  private final SandboxProvider provider;
  private final SandboxTokens tokens;
  private final Supplier<String> apiUrl;
  private final DaemonClient client = new DaemonClient();
  private final ExecutorService setups = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService reports =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("sandbox-activity").daemon(true).factory());
  static final Duration ACTIVITY_EVERY = Duration.ofMinutes(1);

  /** @param apiUrl the platform's API as sandboxes reach it (their org-fs sidecars call it) */
  public SandboxService(SandboxStore store, SandboxProvider provider, SandboxTokens tokens,
      Supplier<String> apiUrl) {
    this.store = store;
    this.provider = provider;
    this.tokens = tokens;
    this.apiUrl = apiUrl;
  }

  /** Reports activity every minute from now on (api processes: they hold the sandboxes' tokens). */
  public void startActivityReports() {
    reports.scheduleWithFixedDelay(this::reportActivity, ACTIVITY_EVERY.toSeconds(), ACTIVITY_EVERY.toSeconds(),
        TimeUnit.SECONDS);
  }

  /**
   * Asks each running sandbox's daemon when it was last used and passes that on (on Kubernetes,
   * to the claim, where the operator's idle expiry reads it). Every api replica does this; the
   * report only ever moves forward, so doing it twice is harmless.
   */
  void reportActivity() {
    for (Sandbox sandbox : store.ready(1000)) {
      try {
        var daemon = provider.endpoint(sandbox.handle());
        if (daemon.isEmpty()) {
          continue;
        }
        var reply = client.callSafely(daemon.get(), "GET", "/_sandbox/idle", null, Duration.ofSeconds(5));
        if (reply.ok()) {
          provider.reportActivity(sandbox.handle(), Instant.parse(JSON.readTree(reply.body()).path("lastActivity").asText()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        log.debug("no activity report for sandbox {}: {}", sandbox.handle(), e.getMessage());
      }
    }
  }

  /** What {@link #create} did: the sandbox, and whether it is new. */
  public record Created(Sandbox sandbox, boolean created) {}

  public Created create(UUID orgId, String orgSlug, String owner, SandboxSpec spec) {
    var existing = store.forProject(orgId, owner, spec.repo());
    if (existing.isPresent()) {
      return new Created(existing.get(), false);
    }
    var created = store.create(orgId, owner, Handles.next(), spec);
    if (created.isEmpty()) { // created by a concurrent request meanwhile
      return new Created(store.forProject(orgId, owner, spec.repo()).orElseThrow(), false);
    }
    var sandbox = created.get();
    setups.submit(() -> setUp(sandbox, orgSlug));
    return new Created(sandbox, true);
  }

  public Optional<Sandbox> get(UUID orgId, UUID id) {
    return store.get(orgId, id);
  }

  public boolean delete(UUID orgId, UUID id) {
    var sandbox = store.get(orgId, id);
    if (sandbox.isEmpty()) {
      return false;
    }
    provider.stop(sandbox.get().handle());
    store.orgFsToken(id).ifPresent(token -> tokens.revoke(orgId, token));
    return store.delete(orgId, id);
  }

  /** The daemon of a sandbox that is up. */
  public Optional<DaemonEndpoint> daemon(Sandbox sandbox) {
    return provider.endpoint(sandbox.handle());
  }

  public SandboxStore store() {
    return store;
  }

  private void setUp(Sandbox sandbox, String orgSlug) {
    String doing = "launch";
    try {
      store.phase(sandbox.id(), "launch");
      var daemon = provider.launch(sandbox.handle(), sandbox.owner(), sandbox.spec());
      var spec = sandbox.spec();
      ObjectNode config = JSON.createObjectNode().put("repo", spec.repo());
      putIfPresent(config, "ref", spec.ref());
      putIfPresent(config, "install", spec.install());
      putIfPresent(config, "build", spec.build());
      putIfPresent(config, "start", spec.start());
      config.put("port", provider.devServerPort(spec));
      doing = "config";
      store.phase(sandbox.id(), doing);
      expectOk(client.callSafely(daemon, "POST", "/_sandbox/config", config.toString(), Duration.ofSeconds(30)), "config");
      if (!spec.orgFs().isEmpty()) {
        doing = "orgfs-config";
        var token = tokens.issue(sandbox.orgId(), sandbox.handle());
        store.orgFsToken(sandbox.id(), token.id());
        expectOk(client.callSafely(daemon, "POST", "/_sandbox/orgfs-config",
            orgFsConfig(daemon, orgSlug, token.token(), spec).toString(), Duration.ofSeconds(30)), "orgfs-config");
      }
      for (String phase : new String[] {"clone", "install", "build", "start"}) {
        doing = phase;
        store.phase(sandbox.id(), phase);
        var reply = client.callSafely(daemon, "POST", "/_sandbox/setup/" + phase, "{}", SETUP_TIMEOUT);
        if (reply.status() == 409 && !phase.equals("clone")) {
          continue; // nothing configured for this phase
        }
        expectOk(reply, phase);
        if (JSON.readTree(reply.body()).path("state").asText().equals("failed")) {
          var result = JSON.readTree(reply.body());
          throw new IOException("setup phase " + phase + " failed" + (result.has("exitCode") && !result.get("exitCode").isNull()
              ? " (exit " + result.get("exitCode").asInt() + ")" : ""));
        }
      }
      doing = "waiting for the dev server";
      store.phase(sandbox.id(), "preview");
      awaitPreview(daemon);
      store.ready(sandbox.id(), daemon.previewUrl());
    } catch (Exception e) {
      String why = doing + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      log.warn("sandbox {} failed to set up ({})", sandbox.handle(), why);
      store.failed(sandbox.id(), why);
    }
  }

  /** The org-fs sidecar's configuration (what sidecar-orgfs reads from its config file). */
  ObjectNode orgFsConfig(DaemonEndpoint daemon, String orgSlug, String token, SandboxSpec spec) {
    ObjectNode config = JSON.createObjectNode().put("apiUrl", apiUrl.get()).put("token", token).put("org", orgSlug)
        .put("root", daemon.orgFsRoot());
    var volumes = config.putArray("volumes");
    for (var volume : spec.orgFs()) {
      var entry = volumes.addObject().put("volume", volume.volume()).put("readOnly", volume.readOnly());
      if (volume.path() != null) {
        entry.put("path", volume.path());
      }
    }
    return config;
  }

  /** The dev server is up when the preview stops answering 502 (its "starting" page). */
  private static void awaitPreview(DaemonEndpoint daemon) throws IOException, InterruptedException {
    URI direct = daemon.previewInternal();
    try (var http = HttpClient.newHttpClient()) {
      long deadline = System.nanoTime() + DEV_SERVER_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        try {
          var response = http.send(HttpRequest.newBuilder(direct).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding());
          if (response.statusCode() != 502) {
            return;
          }
        } catch (IOException notYet) {
          // Not listening yet.
        }
        Thread.sleep(200);
      }
    }
    throw new IOException("the dev server did not answer within " + DEV_SERVER_TIMEOUT.toSeconds() + " s");
  }

  private static void expectOk(DaemonClient.Reply reply, String what) throws IOException {
    if (!reply.ok()) {
      throw new IOException("the daemon refused " + what + " (" + reply.status() + "): " + reply.body());
    }
  }

  private static void putIfPresent(ObjectNode node, String field, String value) {
    if (value != null && !value.isBlank()) {
      node.put(field, value);
    }
  }

  @Override
  public void close() {
    setups.shutdownNow();
    reports.shutdownNow();
    provider.close();
  }
}
