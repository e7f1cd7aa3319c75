package dev.studio.operator.sandbox;

import dev.studio.crd.v1alpha1.Condition;
import dev.studio.crd.v1alpha1.SandboxClaim;
import dev.studio.crd.v1alpha1.SandboxClaimSpec.ShutdownPolicy;
import dev.studio.crd.v1alpha1.SandboxClaimStatus;
import dev.studio.crd.v1alpha1.SandboxClaimStatus.LaunchType;
import dev.studio.crd.v1alpha1.SandboxClaimStatus.Phase;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.GatewayApi;
import dev.studio.operator.Images;
import dev.studio.operator.manifest.Labels;
import dev.studio.operator.manifest.Owners;
import dev.studio.operator.status.Backoff;
import dev.studio.operator.status.Conditions;
import dev.studio.operator.status.EventRecorder;
import dev.studio.operator.status.StatusWrites;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reconciles a SandboxClaim: gives it a handle, binds it to a pod (a warm one from the pool when
 * one is free and the claim fits the template, else a new one), makes its token Secret, Service,
 * NetworkPolicy and preview route, reports status, and ends it at its deadline.
 *
 * <p>Every child is owned by the claim (an adopted warm pod is re-owned in the same write that
 * binds it, and its token Secret is owned by the pod), so deleting a claim leaves nothing behind.
 * Children are created once and not rewritten: a pod's spec cannot change, and the token must not.
 *
 * <p>Status is written with optimistic locking and put in the informer cache at once, so the next
 * reconcile sees the handle and the bound pod even before the watch event arrives.
 */
@ControllerConfiguration(name = SandboxClaimReconciler.NAME)
public class SandboxClaimReconciler implements Reconciler<SandboxClaim> {
  public static final String NAME = "sandboxclaim";
  static final String PODS = "sandbox-pods";
  static final String SECRETS = "sandbox-secrets";
  static final String SERVICES = "sandbox-services";
  static final String POLICIES = "sandbox-networkpolicies";
  static final String STUDIOS = "sandbox-studios";
  private static final String BY_STUDIO = "by-studio";

  public static final String PREVIEW_ROUTE = "PreviewRoute";
  public static final String REASON_STUDIO_NOT_FOUND = "StudioNotFound";
  public static final String REASON_POD_STARTING = "PodStarting";
  public static final String REASON_POD_READY = "PodReady";
  public static final String REASON_EXPIRED = "Expired";
  /** Sandbox pods carry these labels; the informers see nothing else. */
  static final String POD_SELECTOR = Labels.MANAGED_SELECTOR + "," + Labels.COMPONENT + "=" + SandboxNames.COMPONENT;

  private final Images images;
  private final GatewayApi gatewayApi;
  private final EventRecorder events;

  public SandboxClaimReconciler(Images images, GatewayApi gatewayApi, EventRecorder events) {
    this.images = images;
    this.gatewayApi = gatewayApi;
    this.events = events;
  }

  @Override
  public List<EventSource<?, SandboxClaim>> prepareEventSources(EventSourceContext<SandboxClaim> context) {
    context.getPrimaryCache().addIndexer(BY_STUDIO, c -> List.of(key(c.getMetadata().getNamespace(), c.getSpec().studioRef().name())));
    var studios = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(StudioDeployment.class, SandboxClaim.class)
            .withName(STUDIOS)
            .withPrimaryToSecondaryMapper((SandboxClaim c) -> Set.of(new ResourceID(c.getSpec().studioRef().name(), c.getMetadata().getNamespace())))
            .withSecondaryToPrimaryMapper(studio -> context.getPrimaryCache()
                .byIndex(BY_STUDIO, key(studio.getMetadata().getNamespace(), studio.getMetadata().getName())).stream()
                // Only claims still looking for their studio care about its changes.
                .filter(c -> c.getStatus() == null || c.getStatus().podName() == null)
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet()))
            .build(),
        context);
    return List.of(studios, owned(context, Pod.class, PODS), owned(context, Secret.class, SECRETS),
        owned(context, Service.class, SERVICES), owned(context, NetworkPolicy.class, POLICIES));
  }

  private static <R extends HasMetadata> InformerEventSource<R, SandboxClaim> owned(EventSourceContext<SandboxClaim> context, Class<R> type, String name) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, SandboxClaim.class)
            .withName(name)
            .withLabelSelector(POD_SELECTOR)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(SandboxClaim.class, false))
            .build(),
        context);
  }

  @Override
  public UpdateControl<SandboxClaim> reconcile(SandboxClaim claim, Context<SandboxClaim> context) {
    Instant now = Instant.now();
    var previous = claim.getStatus();
    if (previous != null && previous.phase() == Phase.Expired) {
      // Retained after expiry: the claim stays, its pod does not come back.
      ownedPod(claim, context).ifPresent(p -> deleteQuietly(context.getClient(), p));
      return UpdateControl.noUpdate();
    }
    var studio = context.getSecondaryResource(StudioDeployment.class, STUDIOS);
    if (studio.isEmpty()) {
      return studioNotFound(claim, context, now);
    }
    String handle = previous == null ? null : previous.handle();
    if (handle == null) {
      // The handle names every child, so it is stored before any child is made: a reconcile that
      // fails half-way comes back to the same names.
      String fresh = Handles.fresh();
      var pending = status(claim, Phase.Pending, fresh, null, null, null, null, List.of(
          Conditions.of(Condition.READY, false, REASON_POD_STARTING, "Binding a pod.")), now);
      claim = StatusWrites.write(claim, context, pending);
      handle = fresh;
    }
    return bind(claim, studio.get(), handle, context, now);
  }

  private UpdateControl<SandboxClaim> bind(SandboxClaim claim, StudioDeployment studio, String handle, Context<SandboxClaim> context, Instant now) {
    KubernetesClient client = context.getClient();
    var previous = claim.getStatus();
    LaunchType launch = previous == null ? null : previous.launchType();
    Optional<Pod> pod = ownedPod(claim, context);
    if (pod.isEmpty() && previous != null && previous.podName() != null) {
      // Bound before, but not in the cache: either the cache lags the bind, or the pod is gone.
      pod = Optional.ofNullable(client.pods().inNamespace(claim.getMetadata().getNamespace()).withName(previous.podName()).get())
          .filter(p -> owns(claim, p));
    }
    if (pod.isEmpty() && launch == null && SandboxManifests.fitsWarmPool(claim) && studio.getSpec().sandbox().warmPool().size() > 0) {
      pod = WarmPods.adopt(client, claim, studio, handle, WarmPods.candidates(warmPods(claim, context)));
      if (pod.isPresent()) {
        launch = LaunchType.Warm;
        events.normal(claim, "Bound", "Adopted warm pod " + pod.get().getMetadata().getName() + ".");
      }
    }
    if (pod.isEmpty()) {
      pod = Optional.of(createCold(claim, studio, handle, context));
      if (launch == null) {
        events.normal(claim, "Bound", "Created pod " + pod.get().getMetadata().getName() + " (no warm pod was free).");
      }
      launch = LaunchType.Cold;
    }
    Pod bound = pod.get();
    ensure(client, context, Service.class, SandboxManifests.service(claim, studio, handle), claim);
    ensure(client, context, NetworkPolicy.class, SandboxManifests.networkPolicy(claim, studio, handle), claim);

    List<Condition> conditions = new ArrayList<>();
    boolean ready = WarmPods.ready(bound);
    conditions.add(ready
        ? Conditions.of(Condition.READY, true, REASON_POD_READY, "Pod " + bound.getMetadata().getName() + " is ready.")
        : Conditions.of(Condition.READY, false, REASON_POD_STARTING, "Pod " + bound.getMetadata().getName() + " is starting."));
    String previewUrl = null;
    boolean recheckGateway = false;
    if (studio.getSpec().sandbox().previewDomain() == null) {
      conditions.add(Conditions.of(PREVIEW_ROUTE, false, "NoPreviewDomain",
          "StudioDeployment " + studio.getMetadata().getName() + " sets no spec.sandbox.previewDomain, so the sandbox has no preview URL."));
    } else if (!gatewayApi.installed()) {
      recheckGateway = true;
      conditions.add(Conditions.of(PREVIEW_ROUTE, false, "GatewayAPINotInstalled",
          "The Gateway API CRDs (" + GatewayApi.HTTPROUTE_CRD + ") are not installed, so no preview HTTPRoute was created."));
    } else {
      if (previous == null || previous.previewUrl() == null) {
        // No informer for routes (their CRD may be absent at start-up): created once, 409 is fine.
        createIfAbsent(client, Owners.controlledBy(SandboxManifests.route(claim, studio, handle), claim));
      }
      previewUrl = SandboxManifests.previewUrl(studio, handle);
      conditions.add(Conditions.of(PREVIEW_ROUTE, true, "Created",
          "HTTPRoute " + SandboxNames.child(handle) + " routes " + previewUrl + " to the preview port."));
    }

    Instant boundAt = previous != null && previous.lastActivityTime() != null ? null : now;
    Instant lastActivity = Expiry.lastActivity(claim, boundAt);
    var deadline = Expiry.deadline(claim, studio, lastActivity);
    if (deadline.isPresent() && deadline.get().due(now)) {
      return expire(claim, studio, bound, deadline.get(), context, now);
    }
    var status = status(claim, ready ? Phase.Ready : Phase.Binding, handle, previewUrl, launch, bound.getMetadata().getName(),
        lastActivity, conditions, now);
    if (!Objects.equals(claim.getStatus(), status)) {
      if (ready && (previous == null || previous.phase() != Phase.Ready)) {
        events.normal(claim, "Ready", "Sandbox is ready" + (previewUrl != null ? " at " + previewUrl : "") + ".");
      }
      StatusWrites.write(claim, context, status);
    }
    UpdateControl<SandboxClaim> control = UpdateControl.noUpdate();
    Duration next = deadline.map(d -> Duration.between(now, d.at()).plusMillis(50)).orElse(null);
    if (recheckGateway && (next == null || next.compareTo(GatewayApi.RECHECK) > 0)) {
      next = GatewayApi.RECHECK;
    }
    return next == null ? control : control.rescheduleAfter(next);
  }

  /** Ends a claim: Delete removes it (and, through owner references, everything it made); Retain stops the pod. */
  private UpdateControl<SandboxClaim> expire(SandboxClaim claim, StudioDeployment studio, Pod pod, Expiry.Deadline deadline,
      Context<SandboxClaim> context, Instant now) {
    KubernetesClient client = context.getClient();
    events.normal(claim, "Expired", deadline.message() + " Policy " + claim.getSpec().lifecycle().shutdownPolicy() + ".");
    if (claim.getSpec().lifecycle().shutdownPolicy() == ShutdownPolicy.Delete) {
      client.resources(SandboxClaim.class).inNamespace(claim.getMetadata().getNamespace()).withName(claim.getMetadata().getName()).delete();
      return UpdateControl.noUpdate();
    }
    deleteQuietly(client, pod);
    var previous = claim.getStatus();
    var status = new SandboxClaimStatus(generation(claim),
        Conditions.settle(previousConditions(claim),
            List.of(Conditions.of(Condition.READY, false, REASON_EXPIRED, deadline.message() + " The pod was stopped; the claim is kept (Retain).")),
            generation(claim), now),
        Phase.Expired, previous.handle(), null, previous.launchType(), null, previous.daemonService(), previous.tokenSecretName(),
        previous.lastActivityTime());
    StatusWrites.write(claim, context, status);
    return UpdateControl.noUpdate();
  }

  private Pod createCold(SandboxClaim claim, StudioDeployment studio, String handle, Context<SandboxClaim> context) {
    KubernetesClient client = context.getClient();
    var shape = SandboxManifests.claimShape(claim, studio, images, handle);
    String secretName = SandboxNames.tokenSecret(shape.name());
    boolean hasSecret = context.getSecondaryResources(Secret.class).stream().anyMatch(s -> s.getMetadata().getName().equals(secretName));
    if (!hasSecret) {
      // Made once with a fresh token; if it exists already (a lagging cache), it is left as it is.
      createIfAbsent(client, Owners.controlledBy(
          SandboxManifests.tokenSecret(claim.getMetadata().getNamespace(), shape.name(), SandboxManifests.childLabels(studio), null), claim));
    }
    var pod = Owners.controlledBy(SandboxManifests.pod(studio, shape), claim);
    try {
      return client.resource(pod).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      return client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
    }
  }

  /** Creates the child if it is missing, and puts back what a hand edit changed of it. */
  private static <R extends HasMetadata> void ensure(KubernetesClient client, Context<SandboxClaim> context, Class<R> type, R desired, SandboxClaim claim) {
    var existing = context.getSecondaryResources(type).stream()
        .filter(r -> r.getMetadata().getName().equals(desired.getMetadata().getName())).findFirst();
    if (existing.isEmpty()) {
      createIfAbsent(client, Owners.controlledBy(desired, claim));
      return;
    }
    Drift.corrected(existing.get(), desired).ifPresent(fixed -> {
      try {
        client.resource(fixed).update();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // Written meanwhile: the change brings this claim round again.
      }
    });
  }

  private static void createIfAbsent(KubernetesClient client, HasMetadata resource) {
    try {
      client.resource(resource).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  private static void deleteQuietly(KubernetesClient client, HasMetadata resource) {
    try {
      client.resource(resource).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private static Optional<Pod> ownedPod(SandboxClaim claim, Context<SandboxClaim> context) {
    return context.getSecondaryResources(Pod.class).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null && owns(claim, p))
        .findFirst();
  }

  private static boolean owns(SandboxClaim claim, HasMetadata child) {
    return child.getMetadata().getOwnerReferences() != null
        && child.getMetadata().getOwnerReferences().stream().anyMatch(r -> Objects.equals(r.getUid(), claim.getMetadata().getUid()));
  }

  @SuppressWarnings("unchecked")
  private static List<Pod> warmPods(SandboxClaim claim, Context<SandboxClaim> context) {
    var pods = (InformerEventSource<Pod, SandboxClaim>) context.eventSourceRetriever().getEventSourceFor(Pod.class, PODS);
    String instance = claim.getSpec().studioRef().name();
    return pods.list(claim.getMetadata().getNamespace(),
        p -> instance.equals(WarmPods.labels(p).get(Labels.INSTANCE)) && SandboxNames.WARM.equals(WarmPods.labels(p).get(SandboxNames.STATE)))
        .toList();
  }

  private UpdateControl<SandboxClaim> studioNotFound(SandboxClaim claim, Context<SandboxClaim> context, Instant now) {
    String message = "StudioDeployment " + claim.getSpec().studioRef().name() + " (spec.studioRef) does not exist in namespace "
        + claim.getMetadata().getNamespace();
    var previous = claim.getStatus();
    var previousReady = previous == null ? Optional.<Condition>empty() : previous.condition(Condition.READY);
    if (previousReady.map(c -> !REASON_STUDIO_NOT_FOUND.equals(c.reason())).orElse(true)) {
      events.warning(claim, REASON_STUDIO_NOT_FOUND, message);
    }
    Instant stuckSince = previousReady
        .filter(c -> REASON_STUDIO_NOT_FOUND.equals(c.reason()) && c.lastTransitionTime() != null)
        .map(c -> Instant.parse(c.lastTransitionTime()))
        .orElse(now);
    var status = status(claim, Phase.Pending, previous == null ? null : previous.handle(), null, null, null, null,
        List.of(Conditions.of(Condition.READY, false, REASON_STUDIO_NOT_FOUND, message)), now);
    StatusWrites.write(claim, context, status);
    return UpdateControl.<SandboxClaim>noUpdate().rescheduleAfter(Backoff.after(stuckSince, now));
  }

  private static SandboxClaimStatus status(SandboxClaim claim, Phase phase, String handle, String previewUrl, LaunchType launch,
      String podName, Instant lastActivity, List<Condition> conditions, Instant now) {
    long generation = generation(claim);
    return new SandboxClaimStatus(generation, Conditions.settle(previousConditions(claim), conditions, generation, now), phase, handle,
        previewUrl, launch, podName, podName == null ? null : SandboxNames.child(handle),
        podName == null ? null : SandboxNames.tokenSecret(podName),
        lastActivity == null ? null : lastActivity.truncatedTo(ChronoUnit.SECONDS).toString());
  }

  private static List<Condition> previousConditions(SandboxClaim claim) {
    return claim.getStatus() == null ? List.of() : claim.getStatus().conditions();
  }

  private static long generation(SandboxClaim claim) {
    return claim.getMetadata().getGeneration() == null ? 0 : claim.getMetadata().getGeneration();
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
