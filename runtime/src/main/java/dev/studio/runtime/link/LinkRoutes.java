package dev.studio.runtime.link;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.runtime.agent.AgentRunner;
import dev.studio.runtime.auth.Principal;
import dev.studio.runtime.http.ApiException;
import dev.studio.runtime.http.Authentication;
import dev.studio.runtime.http.RouteGroup;
import dev.studio.runtime.sandbox.SandboxStore;
import dev.studio.runtime.store.OrgStore;
import dev.studio.runtime.store.Run;
import dev.studio.runtime.store.RunStore;
import dev.studio.runtime.stream.EventPublisher;
import dev.studio.runtime.stream.EventTypes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The routes a link process calls without an org in the path (a token names its org and user):
 * {@code PUT|DELETE /api/links/presence} (its heartbeat, and a clean goodbye), {@code GET
 * /api/links/presence} (is my link live? for the web app) and {@code GET /api/links/work?timeout=15},
 * the long poll that hands the link its next run, already started in PostgreSQL for it.
 */
final class LinkRoutes implements RouteGroup {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int MAX_POLL_SECONDS = 30;
  /** JetStream's shortest pull wait. */
  static final Duration MIN_WAIT = Duration.ofSeconds(1);

  private final Presence presence;
  private final LinkWork work;
  private final LinkRunStore linked;
  private final RunStore runs;
  private final OrgStore orgs;
  private final SandboxStore sandboxes;
  private final EventPublisher events;
  private final PlatformTools tools;
  private final LinkWatcher watcher;
  private final String modelLabel;

  record Beat(String host, String version, String started, List<UUID> running) {}

  LinkRoutes(Presence presence, LinkWork work, LinkRunStore linked, RunStore runs, OrgStore orgs, SandboxStore sandboxes,
      EventPublisher events, PlatformTools tools, LinkWatcher watcher, String modelLabel) {
    this.presence = presence;
    this.work = work;
    this.linked = linked;
    this.runs = runs;
    this.orgs = orgs;
    this.sandboxes = sandboxes;
    this.events = events;
    this.tools = tools;
    this.watcher = watcher;
    this.modelLabel = modelLabel;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.put("/api/links/presence", this::beat);
    routes.delete("/api/links/presence", ctx -> {
      String linkId = LinkProtocol.require(ctx);
      presence.leave(user(ctx), linkId);
      ctx.status(204);
    });
    routes.get("/api/links/presence", ctx -> {
      var entry = presence.live(user(ctx));
      var json = JSON.createObjectNode().put("live", entry.isPresent());
      entry.ifPresent(e -> json.put("linkId", e.linkId()).put("host", e.host()).put("version", e.version()).put("started", e.started()));
      ctx.json(json);
    });
    routes.get("/api/links/work", this::poll);
  }

  /**
   * The heartbeat: the platform writes the presence entry (the link has no NATS credentials). It
   * also lists the runs the link is executing: a run this link started that it does not list, a
   * beat ago and more, never reached it (its poll's answer was lost) and ends rather than hang.
   */
  private void beat(Context ctx) {
    String linkId = LinkProtocol.require(ctx);
    UUID user = user(ctx);
    var beat = ctx.body().isBlank() ? new Beat(null, null, null, List.of())
        : dev.studio.runtime.http.Bodies.read(ctx, Beat.class);
    presence.beat(user, new Presence.Entry(linkId, bounded(beat.host()), bounded(beat.version()), bounded(beat.started())));
    var running = beat.running() == null ? List.<UUID>of() : beat.running();
    for (var dropped : linked.dropped(worker(linkId), running, presence.heartbeat().multipliedBy(2))) {
      watcher.interrupt(dropped.id(), dropped.threadId(), LinkWatcher.LINK_LOST);
    }
    ctx.json(JSON.createObjectNode().put("ttlSeconds", presence.ttl().toSeconds())
        .put("heartbeatMillis", presence.heartbeat().toMillis()));
  }

  private void poll(Context ctx) throws Exception {
    String linkId = LinkProtocol.require(ctx);
    UUID user = user(ctx);
    int seconds = ctx.queryParamAsClass("timeout", Integer.class).getOrDefault(15);
    if (seconds < 0 || seconds > MAX_POLL_SECONDS) {
      throw ApiException.badRequest("timeout", "timeout must be 0 to " + MAX_POLL_SECONDS + " seconds");
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    do {
      Duration wait = Duration.ofNanos(Math.max(MIN_WAIT.toNanos(), deadline - System.nanoTime()));
      var next = work.take(user, wait);
      if (next.isEmpty()) {
        break;
      }
      // The run-level claim: a run re-dispatched to the hosted lanes, cancelled, or taken by
      // another link process of the user is skipped.
      var started = runs.startLinked(next.get(), user, worker(linkId), modelLabel);
      if (started.isPresent()) {
        ctx.json(item(started.get(), linkId));
        return;
      }
    } while (System.nanoTime() < deadline);
    ctx.status(204);
  }

  /** The work item: the run, its conversation, the model's name and the platform tools it may call. */
  private ObjectNode item(RunStore.Started started, String linkId) {
    Run run = started.run();
    var org = orgs.byId(run.orgId()).orElseThrow();
    var startedEvent = JSON.createObjectNode().put("runId", run.id().toString()).put("attempt", run.attempt())
        .put("resumed", false).put("worker", worker(linkId)).put("transport", Run.Transport.link.name());
    startedEvent.putNull("bundle");
    events.publish(run.threadId(), EventTypes.RUN_STARTED, startedEvent, run.id() + ":" + run.attempt() + ":started");

    var item = JSON.createObjectNode().put("org", org.slug()).put("orgId", org.id().toString()).put("model", modelLabel);
    item.putObject("run").put("id", run.id().toString()).put("threadId", run.threadId().toString()).put("seq", run.seq())
        .put("messageId", run.messageId().toString()).put("lane", run.lane().name()).put("attempt", run.attempt())
        .put("maxSteps", run.maxSteps()).put("createdAt", run.createdAt().toString());
    item.set("history", LinkWire.messages(AgentRunner.history(run, started.conversation())));
    var offered = item.putArray("tools");
    for (var grant : tools.grants(org.slug(), run)) {
      offered.add(grant);
    }
    // The project the thread works on (its platform sandbox's, if it has one): the link runs
    // the same project in a local sandbox. None: a scratch workspace.
    sandboxes.forThread(run.threadId()).ifPresentOrElse(sandbox -> {
      var spec = sandbox.spec();
      item.putObject("project").put("repo", spec.repo()).put("ref", spec.ref()).put("install", spec.install())
          .put("build", spec.build()).put("start", spec.start()).put("port", spec.port());
    }, () -> item.putNull("project"));
    return item;
  }

  static String worker(String linkId) {
    return "link:" + linkId;
  }

  /** Links are per user: the caller must be a user's token, not the admin's. */
  private static UUID user(Context ctx) {
    Principal principal = Authentication.principal(ctx);
    if (principal.admin()) {
      throw ApiException.forbidden("a link runs a user's runs: use one of the org's tokens, not the admin token");
    }
    return principal.tokenId();
  }

  private static String bounded(String value) {
    return value == null ? "" : value.length() > 200 ? value.substring(0, 200) : value;
  }
}
