package dev.studio.runtime.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.bundle.spi.BundleJob;
import dev.studio.runtime.jobs.Job;
import dev.studio.runtime.jobs.JobHandler;
import dev.studio.runtime.jobs.JobStream;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Bundle jobs on the background job stream (kind {@code bundle}): submitted through the api or by
 * a schedule, run by a worker on the revision its bundle serves then, their outcome kept in the
 * bundle's job history. A job of a bundle that is gone, or whose jobs are switched off, is skipped.
 */
public final class BundleJobs implements JobHandler {
  public static final String KIND = "bundle";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BundleRegistry registry;
  private final Prompts prompts;
  private final BundleJobLog log;

  public BundleJobs(BundleRegistry registry, BundleModels models, BundleJobLog log) {
    this.registry = registry;
    this.prompts = new Prompts(models);
    this.log = log;
  }

  /** Puts a job for a bundle on the stream; empty if {@code dedupeKey} was used in the last days. */
  public static Optional<String> submit(JobStream jobs, String bundle, String workKind, UUID org, String schedule, JsonNode payload,
      String dedupeKey) {
    ObjectNode job = JSON.createObjectNode().put("bundle", bundle).put("workKind", workKind)
        .put("org", org == null ? null : org.toString()).put("schedule", schedule);
    job.set("payload", payload == null ? JSON.createObjectNode() : payload);
    return jobs.submit(KIND, job, dedupeKey);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public void handle(Job job) throws Exception {
    var p = job.payload();
    String bundle = p.path("bundle").asText();
    String workKind = p.path("workKind").asText();
    UUID org = p.hasNonNull("org") ? UUID.fromString(p.get("org").asText()) : null;
    String schedule = p.hasNonNull("schedule") ? p.get("schedule").asText() : null;
    JsonNode payload = p.path("payload");
    var entry = new Entry(job.id(), bundle, workKind, org, schedule);

    var settings = registry.settings(bundle);
    if (settings.isEmpty() || !settings.get().enabled().jobs()) {
      entry.record(null, BundleJobLog.State.skipped, null,
          settings.isEmpty() ? "bundle " + bundle + " is not deployed" : "the jobs of bundle " + bundle + " are switched off");
      return;
    }
    var lease = registry.lease(bundle);
    if (lease.isEmpty()) {
      entry.record(null, BundleJobLog.State.skipped, null, "bundle " + bundle + " is not deployed");
      return;
    }
    try (var l = lease.get()) {
      String revision = l.settings().revision();
      try {
        JsonNode result = switch (l.bundle()) {
          case DeclarativeBundle declarative -> prompt(declarative.spec(), l, workKind, payload);
          case JvmBundle jvm -> jvm(jvm, job, workKind, org, payload);
        };
        entry.record(revision, BundleJobLog.State.completed, result, null);
      } catch (UnknownWork e) {
        entry.record(revision, BundleJobLog.State.failed, null, e.getMessage()); // no retry can help
      } catch (Exception e) {
        entry.record(revision, BundleJobLog.State.failed, null,
            e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        throw e; // delivered again, up to the stream's limit
      }
    }
  }

  private JsonNode prompt(BundleDefinition spec, BundleRegistry.Lease lease, String workKind, JsonNode payload) throws Exception {
    var job = spec.jobs().get(workKind);
    if (job == null) {
      throw new UnknownWork("bundle " + lease.settings().name() + " has no job " + workKind);
    }
    var scopes = Map.of("props", lease.settings().props(), "payload", payload);
    String system = spec.system().map(t -> t.render(scopes)).orElse(null);
    return JSON.createObjectNode().put("output", prompts.complete(spec, system, job.prompt().render(scopes)));
  }

  private static JsonNode jvm(JvmBundle jvm, Job job, String workKind, UUID org, JsonNode payload) throws Exception {
    var handler = jvm.jobs().orElseThrow(() -> new UnknownWork("bundle " + jvm.name() + " handles no jobs"));
    var bundleJob = new BundleJob(job.id(), workKind, org == null ? null : org.toString(), LiveContext.Json.toMap(payload),
        job.deliveries());
    return LiveContext.Json.toJson(jvm.call(() -> handler.handle(bundleJob)));
  }

  /** The bundle has no such job: failing again would not help. */
  private static final class UnknownWork extends Exception {
    UnknownWork(String message) {
      super(message);
    }
  }

  private final class Entry {
    private final String id;
    private final String bundle;
    private final String workKind;
    private final UUID org;
    private final String schedule;

    Entry(String id, String bundle, String workKind, UUID org, String schedule) {
      this.id = id;
      this.bundle = bundle;
      this.workKind = workKind;
      this.org = org;
      this.schedule = schedule;
    }

    void record(String revision, BundleJobLog.State state, JsonNode result, String error) {
      log.record(new BundleJobLog.Entry(id, bundle, workKind, org, schedule, revision, state, result, error, null));
    }
  }
}
