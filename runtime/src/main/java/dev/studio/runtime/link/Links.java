package dev.studio.runtime.link;

import dev.studio.runtime.RuntimeConfig;
import dev.studio.runtime.Secret;
import dev.studio.runtime.agent.model.ModelProvider;
import dev.studio.runtime.agent.tools.OrgTools;
import dev.studio.runtime.agent.tools.ToolRegistry;
import dev.studio.runtime.dispatch.RunQueue;
import dev.studio.runtime.dispatch.RunSubmitter;
import dev.studio.runtime.http.Authentication;
import dev.studio.runtime.http.RouteGroup;
import dev.studio.runtime.sandbox.SandboxStore;
import dev.studio.runtime.store.OrgStore;
import dev.studio.runtime.store.RunStore;
import dev.studio.runtime.store.StepJournal;
import dev.studio.runtime.stream.EventPublisher;
import dev.studio.runtime.stream.RunEnds;
import io.nats.client.Connection;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The platform side of desktop links, assembled for an api process. */
public final class Links {
  private static final Logger log = LoggerFactory.getLogger(Links.class);

  private final RuntimeConfig.Links config;
  private final Presence presence;
  private final LinkWork work;
  private final LinkRunStore linked;
  private final LinkWatcher watcher;
  private final PlatformTools tools;
  private final RunStore runs;
  private final StepJournal journal;
  private final OrgStore orgs;
  private final SandboxStore sandboxes;
  private final EventPublisher events;
  private final RunEnds ends;
  private final ModelProvider model;

  /** The stores and services links work with; {@code builtinTools} are the platform's own tools, sandbox tools aside. */
  public record Needs(Connection nats, Jdbi jdbi, RunStore runs, StepJournal journal, OrgStore orgs, SandboxStore sandboxes,
      RunQueue queue, EventPublisher events, RunEnds ends, ModelProvider model, ToolRegistry builtinTools, OrgTools orgTools,
      Secret signingSecret) {}

  public Links(RuntimeConfig.Links config, Needs needs) throws Exception {
    this.config = config;
    presence = new Presence(needs.nats(), config.bucket(), config.presenceTtl());
    work = new LinkWork(needs.nats());
    linked = new LinkRunStore(needs.jdbi());
    watcher = new LinkWatcher(presence, linked, needs.runs(), needs.queue(), needs.ends(), needs.events());
    tools = new PlatformTools(needs.builtinTools(), needs.orgTools(), new ToolUrls(needs.signingSecret(), config.toolUrlTtl(),
        Clock.systemUTC()));
    runs = needs.runs();
    journal = needs.journal();
    orgs = needs.orgs();
    sandboxes = needs.sandboxes();
    events = needs.events();
    ends = needs.ends();
    model = needs.model();
  }

  /** Routes a linked user's new runs to their link. */
  public RunSubmitter.Handoff handoff() {
    return new LinkHandoff(presence, work, linked);
  }

  public List<RouteGroup> routes(Authentication authentication) {
    return List.of(
        new LinkRoutes(presence, work, linked, runs, orgs, sandboxes, events, tools, watcher, model.label()),
        new LinkRunRoutes(authentication, runs, journal, linked, events, ends, model, tools));
  }

  /** Watches for linked runs whose link went away, every {@code watchEvery}. */
  public void startWatching(ScheduledExecutorService timers) {
    long every = config.watchEvery().toMillis();
    timers.scheduleWithFixedDelay(() -> {
      try {
        watcher.watch();
      } catch (RuntimeException e) {
        log.warn("link watcher: {}", e.toString());
      }
    }, every, every, TimeUnit.MILLISECONDS);
  }
}
