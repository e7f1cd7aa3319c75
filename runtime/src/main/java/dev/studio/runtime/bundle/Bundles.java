package dev.studio.runtime.bundle;

import dev.studio.runtime.agent.AgentLoop;
import dev.studio.runtime.agent.TurnPlan;
import dev.studio.runtime.datastore.Nats;
import dev.studio.runtime.datastore.ObjectStore;
import dev.studio.runtime.dispatch.Heartbeats;
import dev.studio.runtime.http.Authentication;
import dev.studio.runtime.http.RouteGroup;
import dev.studio.runtime.jobs.JobHandler;
import dev.studio.runtime.jobs.JobStream;
import dev.studio.runtime.vault.Vault;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** The bundle feature of one process, assembled: its stores, registry and announcements, and its surfaces. */
public final class Bundles implements AutoCloseable {
  private final BundleStore store;
  private final BundleSecrets secrets;
  private final OrgBundleProps orgProps;
  private final BundleJobLog jobLog;
  private final Artifacts artifacts;
  private final BundleRegistry registry;
  private final BundleAnnouncements announcements;
  private final BundleModels models;

  public Bundles(Jdbi jdbi, ObjectStore objects, Nats nats, String instance, Vault vault, Set<String> toolNames, BundleModels models)
      throws IOException {
    this.store = new BundleStore(jdbi);
    this.secrets = new BundleSecrets(jdbi, vault);
    this.orgProps = new OrgBundleProps(jdbi);
    this.jobLog = new BundleJobLog(jdbi);
    this.artifacts = new Artifacts(objects);
    this.models = models;
    this.registry = new BundleRegistry(store, secrets, artifacts, new BundleLoader(toolNames));
    this.announcements = new BundleAnnouncements(nats, instance, registry);
  }

  /** Loads what every bundle serves now, then follows announcements. Call once the schema is migrated. */
  public void start() {
    announcements.start();
  }

  public BundleRegistry registry() {
    return registry;
  }

  public TurnPlan.Planner turns(AgentLoop.Profile platform) {
    return new BundleTurns(registry, models, platform, orgProps, secrets);
  }

  public JobHandler jobs() {
    return new BundleJobs(registry, models, jobLog);
  }

  public BundleSchedules schedules(JobStream jobs, Clock clock) {
    return new BundleSchedules(registry, jobs, clock);
  }

  public List<RouteGroup> routes(Authentication authentication, JobStream jobs, Heartbeats heartbeats) {
    return List.of(
        new BundleRoutes(authentication, registry, new BundleOperations(registry, models, orgProps, secrets), jobs, jobLog, orgProps,
            secrets),
        new BundleInternalRoutes(store, secrets, artifacts, registry, announcements, heartbeats));
  }

  @Override
  public void close() throws InterruptedException {
    announcements.close();
    registry.close();
  }
}
