package dev.studio.operator.bundle;

import dev.studio.crd.v1alpha1.Bundle;
import dev.studio.crd.v1alpha1.BundleSpec;
import dev.studio.crd.v1alpha1.BundleStatus;
import dev.studio.crd.v1alpha1.Condition;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.status.Backoff;
import dev.studio.operator.status.Conditions;
import dev.studio.operator.status.EventRecorder;
import dev.studio.operator.status.StatusWrites;
import dev.studio.operator.studio.GeneratedSecrets;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a Bundle: resolves its source to a revision, packages it, and hands it to its
 * platform's api (docs/bundles.md): the artifact once per revision, the settings whenever they
 * change (so flipping a switch never uploads again), a DELETE when the Bundle goes. Then it reads
 * back how many workers serve the revision.
 *
 * <p>A failure leaves the last good revision in the status (the workers keep serving it) and says
 * why in {@code Ready}; the controller looks again after 60 s, growing to 5 min, or at once when a
 * ConfigMap, Secret or StudioDeployment it depends on changes.
 */
@ControllerConfiguration(name = BundleReconciler.NAME)
public class BundleReconciler implements Reconciler<Bundle>, Cleaner<Bundle> {
  private static final Logger log = LoggerFactory.getLogger(BundleReconciler.class);
  public static final String NAME = "bundle";
  static final String STUDIOS = "bundle-studios";
  static final String CONFIG_MAPS = "bundle-configmaps";
  static final String SECRETS = "bundle-secrets";
  private static final String BY_STUDIO = "by-studio";
  private static final String BY_CONFIG_MAP = "by-configmap";
  private static final String BY_SECRET = "by-secret";

  public static final String REASON_SERVING = "Serving";
  public static final String REASON_STUDIO_NOT_FOUND = "StudioNotFound";
  public static final String REASON_SOURCE_UNAVAILABLE = "SourceUnavailable";
  public static final String REASON_SECRET_NOT_FOUND = "SecretNotFound";
  public static final String REASON_INVALID_BUNDLE = "InvalidBundle";
  public static final String REASON_API_UNAVAILABLE = "ApiUnavailable";
  public static final String EVENT_NEW_REVISION = "NewRevision";
  public static final String EVENT_DELETED = "Retracted";

  /** Failures are looked at again after this, growing with how long they last, up to {@link #BACKOFF_MAX}. */
  static final Duration BACKOFF_MIN = Duration.ofSeconds(60);
  static final Duration BACKOFF_MAX = Duration.ofMinutes(5);
  /** While not every live worker serves the revision, loadedBy is read again this often. */
  static final Duration LOADED_BY_REFRESH = Duration.ofSeconds(15);

  private final EventRecorder events;
  private final BundleApi api;
  private final GitSources git;
  private final Map<ResourceID, Memo> memos = new ConcurrentHashMap<>();

  public BundleReconciler(EventRecorder events, BundleApi api, GitSources git) {
    this.events = events;
    this.api = api;
    this.git = git;
  }

  /** What this replica remembers of a Bundle between reconciles; lost on restart, which costs one resolve and one PUT. */
  private static final class Memo {
    volatile Resolution resolution;
    /** sha256 of the settings last accepted by the api (the settings hold secrets: only the digest is kept). */
    volatile String settingsDigest;
    volatile Instant cleanupFailingSince;
  }

  @Override
  public List<EventSource<?, Bundle>> prepareEventSources(EventSourceContext<Bundle> context) {
    IndexerResourceCache<Bundle> bundles = context.getPrimaryCache();
    bundles.addIndexer(BY_STUDIO, b -> List.of(key(b.getMetadata().getNamespace(), b.getSpec().studioRef().name())));
    bundles.addIndexer(BY_CONFIG_MAP, b -> configMapName(b).map(n -> List.of(key(b.getMetadata().getNamespace(), n))).orElse(List.of()));
    bundles.addIndexer(BY_SECRET, b -> secretName(b).map(n -> List.of(key(b.getMetadata().getNamespace(), n))).orElse(List.of()));

    var studios = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(StudioDeployment.class, Bundle.class)
            .withName(STUDIOS)
            .withPrimaryToSecondaryMapper((Bundle b) -> Set.of(new ResourceID(b.getSpec().studioRef().name(), b.getMetadata().getNamespace())))
            .withSecondaryToPrimaryMapper(studio -> ids(bundles, BY_STUDIO, studio.getMetadata().getNamespace(), studio.getMetadata().getName()))
            .build(),
        context);
    // Every ConfigMap and Secret of the watched namespaces is cached: a bundle may name any of them.
    var configMaps = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(ConfigMap.class, Bundle.class)
            .withName(CONFIG_MAPS)
            .withPrimaryToSecondaryMapper((Bundle b) -> configMapName(b).map(n -> Set.of(new ResourceID(n, b.getMetadata().getNamespace()))).orElse(Set.of()))
            .withSecondaryToPrimaryMapper(cm -> ids(bundles, BY_CONFIG_MAP, cm.getMetadata().getNamespace(), cm.getMetadata().getName()))
            .build(),
        context);
    var secrets = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Secret.class, Bundle.class)
            .withName(SECRETS)
            .withPrimaryToSecondaryMapper((Bundle b) -> secretName(b).map(n -> Set.of(new ResourceID(n, b.getMetadata().getNamespace()))).orElse(Set.of()))
            .withSecondaryToPrimaryMapper(secret -> {
              String ns = secret.getMetadata().getNamespace();
              String name = secret.getMetadata().getName();
              Set<ResourceID> ids = new HashSet<>(ids(bundles, BY_SECRET, ns, name));
              // The studio's admin token: a bundle waiting for the api to be callable goes on once it exists.
              studios.list(ns, s -> GeneratedSecrets.source(s, GeneratedSecrets.ADMIN_TOKEN).name().equals(name))
                  .forEach(s -> ids.addAll(ids(bundles, BY_STUDIO, ns, s.getMetadata().getName())));
              return ids;
            })
            .build(),
        context);
    return List.of(studios, configMaps, secrets);
  }

  @Override
  public UpdateControl<Bundle> reconcile(Bundle bundle, Context<Bundle> context) {
    Instant now = Instant.now();
    var spec = bundle.getSpec();
    String namespace = bundle.getMetadata().getNamespace();
    var memo = memos.computeIfAbsent(ResourceID.fromResource(bundle), id -> new Memo());

    var studio = context.getSecondaryResource(StudioDeployment.class, STUDIOS);
    if (studio.isEmpty()) {
      memo.settingsDigest = null; // a StudioDeployment made again is a new platform: tell it everything
      return failed(bundle, context, REASON_STUDIO_NOT_FOUND, "StudioDeployment " + spec.studioRef().name()
          + " (spec.studioRef) does not exist in namespace " + namespace + ".", null, now);
    }
    Map<String, String> secrets = Map.of();
    if (spec.secretsRef() != null) {
      var secret = context.getSecondaryResource(Secret.class, SECRETS);
      if (secret.isEmpty()) {
        return failed(bundle, context, REASON_SECRET_NOT_FOUND, "Secret " + spec.secretsRef().name()
            + " (spec.secretsRef) does not exist in namespace " + namespace + ".", null, now);
      }
      secrets = values(secret.get());
    }

    Resolution resolution = null;
    try {
      var resolved = resolve(bundle, studio.get(), context, memo, now);
      resolution = resolved.resolution();
      String previousArtifact = bundle.getStatus() == null ? null : bundle.getStatus().artifact();
      if (resolved.zip() != null && !resolution.artifact().equals(previousArtifact)) {
        api.upload(studio.get(), name(bundle), resolution.artifact(), resolution.revision(), resolved.zip().get());
      }
      var revision = new BundleSettings.Revision(resolution.revision(), resolution.ref(), resolution.artifact());
      byte[] settings = BundleSettings.json(spec, revision, secrets, generation(bundle));
      String digest = Packager.sha256(settings);
      if (!digest.equals(memo.settingsDigest)) {
        try {
          api.putSettings(studio.get(), name(bundle), settings);
        } catch (ApiFailure e) {
          if (e.kind() != ApiFailure.Kind.ARTIFACT_MISSING || resolved.zip() == null) {
            throw e;
          }
          // The api lost the artifact (or never had it, though the status says so): upload and try once more.
          api.upload(studio.get(), name(bundle), resolution.artifact(), resolution.revision(), resolved.zip().get());
          api.putSettings(studio.get(), name(bundle), settings);
        }
        memo.settingsDigest = digest;
      }
    } catch (SourceUnavailable e) {
      return failed(bundle, context, REASON_SOURCE_UNAVAILABLE, e.getMessage(), null, now);
    } catch (ApiFailure e) {
      if (e.kind() == ApiFailure.Kind.ARTIFACT_MISSING && resolution != null && spec.source().uri() != null) {
        memo.resolution = null; // the api lost an imported artifact: import again next time
      }
      String reason = e.kind() == ApiFailure.Kind.INVALID ? REASON_INVALID_BUNDLE : REASON_API_UNAVAILABLE;
      return failed(bundle, context, reason, e.getMessage(), resolution, now);
    }
    return serving(bundle, context, studio.get(), resolution, memo, now);
  }

  /** A resolution and, for sources the operator packages, how to get the zip (read only when needed). */
  private record Resolved(Resolution resolution, ZipSupplier zip) {}

  @FunctionalInterface
  private interface ZipSupplier {
    byte[] get() throws SourceUnavailable;
  }

  private Resolved resolve(Bundle bundle, StudioDeployment studio, Context<Bundle> context, Memo memo, Instant now)
      throws SourceUnavailable, ApiFailure {
    var source = bundle.getSpec().source();
    var previous = memo.resolution;
    String name = name(bundle);
    if (source.git() != null) {
      var g = source.git();
      String key = "git " + g.url() + " " + g.ref() + " " + Objects.requireNonNullElse(g.subdir(), "");
      Resolution resolution;
      boolean fresh = previous != null && previous.source().equals(key)
          && (GitSources.isFixed(g.ref()) || previous.at().plus(pollInterval(bundle.getSpec())).isAfter(now));
      if (fresh) {
        resolution = previous;
      } else {
        String commit = git.resolve(g.url(), g.ref());
        resolution = new Resolution(key, commit, g.ref(), ArtifactName.of(name, g.ref(), commit), now);
        memo.resolution = resolution;
      }
      String commit = resolution.revision();
      return new Resolved(resolution, () -> Packager.zip(git.files(g.url(), commit, g.subdir())));
    }
    if (source.configMap() != null) {
      String cmName = source.configMap().name();
      var configMap = context.getSecondaryResource(ConfigMap.class, CONFIG_MAPS).orElseThrow(() -> new SourceUnavailable(
          "ConfigMap " + cmName + " (spec.source.configMap) does not exist in namespace " + bundle.getMetadata().getNamespace() + "."));
      var files = ConfigMapFiles.of(configMap);
      if (files.isEmpty()) {
        throw new SourceUnavailable("ConfigMap " + cmName + " has no keys: a bundle needs at least bundle.yaml or a jar.");
      }
      byte[] zip = Packager.zip(files);
      String digest = Packager.sha256(zip);
      String key = "configmap " + cmName;
      // lastResolveTime says when this content was first seen, so a reconcile that finds it unchanged writes nothing.
      Instant at = previous != null && previous.source().equals(key) && previous.revision().equals(digest) ? previous.at() : now;
      var resolution = new Resolution(key, digest, ArtifactName.CONFIG_MAP_REF, ArtifactName.of(name, ArtifactName.CONFIG_MAP_REF, digest), at);
      memo.resolution = resolution;
      return new Resolved(resolution, () -> zip);
    }
    String key = "uri " + source.uri() + " " + bundle.getSpec().kind();
    if (previous != null && previous.source().equals(key)) {
      // The object is imported once per spec: the api copies it, so a changed object needs a changed uri.
      return new Resolved(previous, null);
    }
    var stored = api.importUri(studio, name, source.uri(), bundle.getSpec().kind().name());
    var resolution = new Resolution(key, stored.revision(), ArtifactName.URI_REF, stored.artifact(), now);
    memo.resolution = resolution;
    return new Resolved(resolution, null);
  }

  private UpdateControl<Bundle> serving(Bundle bundle, Context<Bundle> context, StudioDeployment studio, Resolution resolution, Memo memo, Instant now) {
    var previous = bundle.getStatus();
    // Until the api says otherwise, a new artifact is loaded by no one.
    Integer loadedBy = previous != null && resolution.artifact().equals(previous.artifact()) && previous.loadedBy() != null
        ? previous.loadedBy() : Integer.valueOf(0);
    Integer workers = null;
    boolean listed = true;
    try {
      var loaded = api.loaded(studio, name(bundle));
      var current = loaded.filter(l -> resolution.artifact().equals(l.artifact()));
      loadedBy = current.map(BundleApi.Loaded::loadedBy).orElse(0);
      workers = loaded.map(BundleApi.Loaded::workers).orElse(null);
      if (current.isEmpty()) {
        // The api does not have what it was given (its database was reset, the platform made
        // anew): the settings are sent again next time, and the artifact with them if need be.
        memo.settingsDigest = null;
        listed = false;
      }
    } catch (ApiFailure e) {
      // The revision is stored and announced; only the count is unknown for now.
      log.debug("loadedBy of {}/{}: {}", bundle.getMetadata().getNamespace(), name(bundle), e.getMessage());
    }
    long generation = generation(bundle);
    var ready = Conditions.of(Condition.READY, true, REASON_SERVING,
        "Revision " + shortRevision(resolution.revision()) + " is stored as " + resolution.artifact() + " and announced to the workers.");
    var status = new BundleStatus(generation, Conditions.settle(previousConditions(bundle), List.of(ready), generation, now),
        resolution.revision(), resolution.artifact(), loadedBy, time(resolution.at()));
    if (previous == null || !resolution.revision().equals(previous.resolvedRevision()) || !resolution.artifact().equals(previous.artifact())) {
      events.normal(bundle, EVENT_NEW_REVISION, "Revision " + shortRevision(resolution.revision()) + " (" + resolution.ref()
          + ") stored as " + resolution.artifact() + " and announced.");
    }
    Duration next = pollInterval(bundle.getSpec());
    if (!listed || workers == null || loadedBy.intValue() != workers.intValue()) {
      next = next.compareTo(LOADED_BY_REFRESH) < 0 ? next : LOADED_BY_REFRESH;
    }
    return StatusWrites.writeIfChanged(bundle, context, status).rescheduleAfter(next);
  }

  /**
   * Not Ready, for {@code reason}: the last good revision stays in the status (the workers keep
   * serving it), one Event per new reason or message, and a look again after the backoff.
   */
  private UpdateControl<Bundle> failed(Bundle bundle, Context<Bundle> context, String reason, String message, Resolution resolution, Instant now) {
    var previous = bundle.getStatus();
    Optional<Condition> previousReady = previous == null ? Optional.empty() : previous.condition(Condition.READY);
    boolean same = previousReady.map(c -> !c.isTrue() && reason.equals(c.reason()) && message.equals(c.message())).orElse(false);
    if (!same) {
      events.warning(bundle, reason, message);
    }
    Instant stuckSince = previousReady
        .filter(c -> !c.isTrue() && c.lastTransitionTime() != null)
        .map(c -> Instant.parse(c.lastTransitionTime()))
        .orElse(now);
    long generation = generation(bundle);
    var status = new BundleStatus(generation,
        Conditions.settle(previousConditions(bundle), List.of(Conditions.of(Condition.READY, false, reason, message)), generation, now),
        previous == null ? null : previous.resolvedRevision(),
        previous == null ? null : previous.artifact(),
        previous == null ? null : previous.loadedBy(),
        resolution != null ? time(resolution.at()) : previous == null ? null : previous.lastResolveTime());
    return StatusWrites.writeIfChanged(bundle, context, status).rescheduleAfter(Backoff.after(stuckSince, now, BACKOFF_MIN, BACKOFF_MAX));
  }

  /**
   * Retracts the bundle from its platform. When the StudioDeployment is gone (or going), there is
   * no platform to tell, and the Bundle is let go at once.
   */
  @Override
  public DeleteControl cleanup(Bundle bundle, Context<Bundle> context) {
    var id = ResourceID.fromResource(bundle);
    var studio = context.getSecondaryResource(StudioDeployment.class, STUDIOS)
        .filter(s -> s.getMetadata().getDeletionTimestamp() == null);
    if (studio.isEmpty()) {
      memos.remove(id);
      return DeleteControl.defaultDelete();
    }
    try {
      api.delete(studio.get(), name(bundle));
      memos.remove(id);
      events.normal(bundle, EVENT_DELETED, "Retracted from " + studio.get().getMetadata().getName() + ".");
      return DeleteControl.defaultDelete();
    } catch (ApiFailure e) {
      var memo = memos.computeIfAbsent(id, i -> new Memo());
      Instant now = Instant.now();
      if (memo.cleanupFailingSince == null) {
        memo.cleanupFailingSince = now;
        events.warning(bundle, REASON_API_UNAVAILABLE, "Cannot retract the bundle yet: " + e.getMessage());
      }
      return DeleteControl.noFinalizerRemoval()
          .rescheduleAfter(Backoff.after(memo.cleanupFailingSince, now, BACKOFF_MIN, BACKOFF_MAX).toMillis());
    }
  }

  /** The Secret's values as text; only ever sent to the api, in the settings body. */
  private static Map<String, String> values(Secret secret) {
    Map<String, String> values = new TreeMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      values.putAll(secret.getStringData()); // an API server folds these into data; some test servers do not
    }
    return values;
  }

  static Duration pollInterval(BundleSpec spec) {
    try {
      return PollInterval.parse(spec.pollInterval());
    } catch (IllegalArgumentException e) {
      return Duration.ofMinutes(5); // the schema refuses malformed durations; this is only a guard
    }
  }

  private static Set<ResourceID> ids(IndexerResourceCache<Bundle> bundles, String index, String namespace, String name) {
    return bundles.byIndex(index, key(namespace, name)).stream().map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  private static Optional<String> configMapName(Bundle b) {
    return Optional.ofNullable(b.getSpec().source()).map(BundleSpec.Source::configMap).map(BundleSpec.ConfigMapSource::name);
  }

  private static Optional<String> secretName(Bundle b) {
    return Optional.ofNullable(b.getSpec().secretsRef()).map(BundleSpec.SecretRef::name);
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  private static String name(Bundle bundle) {
    return bundle.getMetadata().getName();
  }

  private static String shortRevision(String revision) {
    return revision.length() > 12 ? revision.substring(0, 12) : revision;
  }

  private static String time(Instant at) {
    return at.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static List<Condition> previousConditions(Bundle bundle) {
    return bundle.getStatus() == null ? List.of() : bundle.getStatus().conditions();
  }

  private static long generation(Bundle bundle) {
    return bundle.getMetadata().getGeneration() == null ? 0 : bundle.getMetadata().getGeneration();
  }
}
