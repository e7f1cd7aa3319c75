package dev.studio.operator.sandbox;

import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.StudioDeploymentStatus;
import dev.studio.operator.Images;
import dev.studio.operator.manifest.ConfigHash;
import dev.studio.operator.manifest.Labels;
import dev.studio.operator.manifest.Owners;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps {@code spec.sandbox.warmPool.size} unbound sandbox pods per StudioDeployment, started from
 * the template ahead of claims. A second controller on StudioDeployment (besides the one that
 * rolls out the tiers), so a pool refill never waits behind a tier rollout and the other way round.
 *
 * <p>A warm pod is owned by its StudioDeployment until a claim adopts it; then it leaves the pool
 * (its state label turns {@code bound}) and this controller starts a replacement. Warm pods made
 * from an older template (the hash annotation differs) are replaced too.
 */
@ControllerConfiguration(name = WarmPoolReconciler.NAME)
public class WarmPoolReconciler implements Reconciler<StudioDeployment> {
  public static final String NAME = "warmpool";
  public static final String TEMPLATE_HASH = "studio.dev/template-hash";
  /** Pods created but not yet seen by the informer count as present for this long. */
  static final Duration IN_FLIGHT = Duration.ofSeconds(30);

  private final Images images;
  /** Per StudioDeployment: pods this controller created that its cache has not shown yet. */
  private final Map<ResourceID, Map<String, Instant>> inFlight = new ConcurrentHashMap<>();

  public WarmPoolReconciler(Images images) {
    this.images = images;
  }

  @Override
  public List<EventSource<?, StudioDeployment>> prepareEventSources(EventSourceContext<StudioDeployment> context) {
    // Every sandbox pod, warm or bound: a bind is the event that says the pool lost one.
    var pods = sandboxPods(context, "warm-pods");
    var policies = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(NetworkPolicy.class, StudioDeployment.class)
            .withName("warm-policies")
            .withLabelSelector(SandboxClaimReconciler.POD_SELECTOR)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(StudioDeployment.class, false))
            .build(),
        context);
    return List.of(pods, policies);
  }

  /** The template hash of a pod: what a warm pod must match to be handed out. */
  static String templateHash(StudioDeployment studio, Images images) {
    var pod = SandboxManifests.pod(studio, SandboxManifests.warmShape(studio, images, "x"));
    return ConfigHash.of(Map.of("spec", Serialization.asJson(pod.getSpec())));
  }

  /** The warm pod a StudioDeployment's pool gets next. */
  /**
   * Every sandbox pod of the namespace (label-selected: the operator's own), mapped to its studio:
   * the warm pool keeps it filled, the studio's status counts it.
   */
  public static InformerEventSource<Pod, StudioDeployment> sandboxPods(EventSourceContext<StudioDeployment> context, String name) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Pod.class, StudioDeployment.class)
            .withName(name)
            .withLabelSelector(SandboxClaimReconciler.POD_SELECTOR)
            .withSecondaryToPrimaryMapper(p -> {
              String instance = WarmPods.labels(p).get(Labels.INSTANCE);
              return instance == null ? Set.of() : Set.of(new ResourceID(instance, p.getMetadata().getNamespace()));
            })
            .build(),
        context);
  }

  /** The studio's warm pool as its status reports it: the size asked for and the warm pods ready to be claimed. */
  public static StudioDeploymentStatus.WarmPoolStatus status(StudioDeployment studio, java.util.Collection<Pod> pods) {
    int size = studio.getSpec().sandbox().warmPool().size();
    if (size == 0) {
      return null;
    }
    int ready = (int) pods.stream()
        .filter(p -> SandboxNames.WARM.equals(WarmPods.labels(p).get(SandboxNames.STATE)))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(WarmPods::ready)
        .count();
    return new StudioDeploymentStatus.WarmPoolStatus(size, ready);
  }

  static Pod warmPod(StudioDeployment studio, Images images, String name) {
    var pod = SandboxManifests.pod(studio, SandboxManifests.warmShape(studio, images, name));
    var annotations = new HashMap<String, String>();
    annotations.put(TEMPLATE_HASH, templateHash(studio, images));
    pod.getMetadata().setAnnotations(annotations);
    return Owners.controlledBy(pod, studio);
  }

  @Override
  public UpdateControl<StudioDeployment> reconcile(StudioDeployment studio, Context<StudioDeployment> context) {
    KubernetesClient client = context.getClient();
    var id = ResourceID.fromResource(studio);
    Instant now = Instant.now();
    int size = studio.getSpec().sandbox().warmPool().size();
    String hash = templateHash(studio, images);
    List<Pod> all = context.getSecondaryResources(Pod.class).stream().toList();
    var pending = inFlight.computeIfAbsent(id, k -> new ConcurrentHashMap<>());
    // A pod the cache shows (in any state) is no longer in flight.
    all.forEach(p -> pending.remove(p.getMetadata().getName()));
    pending.values().removeIf(created -> created.plus(IN_FLIGHT).isBefore(now));

    List<Pod> warm = all.stream()
        .filter(p -> SandboxNames.WARM.equals(WarmPods.labels(p).get(SandboxNames.STATE)))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
    List<Pod> current = new ArrayList<>();
    for (Pod pod : warm) {
      var annotations = pod.getMetadata().getAnnotations();
      if (annotations == null || !hash.equals(annotations.get(TEMPLATE_HASH))) {
        delete(client, pod);
      } else {
        current.add(pod);
      }
    }
    if (size > 0) {
      // Warm pods run the daemon before any claim: the same NetworkPolicy holds them while they wait.
      var policy = SandboxManifests.warmNetworkPolicy(studio);
      boolean hasPolicy = context.getSecondaryResources(NetworkPolicy.class).stream()
          .anyMatch(p -> p.getMetadata().getName().equals(policy.getMetadata().getName()));
      if (!hasPolicy) {
        try {
          client.resource(Owners.controlledBy(policy, studio)).create();
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
        }
      }
    }
    int missing = size - current.size() - pending.size();
    for (int i = 0; i < missing; i++) {
      String name = SandboxNames.warmPod(studio, Handles.random(8));
      Pod created = client.resource(warmPod(studio, images, name)).create();
      pending.put(name, now);
      // The token Secret is owned by its pod: it goes with the pod, whoever owns the pod by then.
      client.resource(Owners.controlledBy(
          SandboxManifests.tokenSecret(studio.getMetadata().getNamespace(), name, SandboxManifests.childLabels(studio), null), created)).create();
    }
    if (missing < 0) {
      // Shrink: the youngest go first, unready before ready.
      current.stream()
          .sorted(Comparator.comparing(WarmPods::ready).thenComparing(WarmPods::created, Comparator.reverseOrder()))
          .limit(-missing)
          .forEach(p -> delete(client, p));
    }
    if (pending.isEmpty()) {
      inFlight.remove(id);
    }
    // While pods are in flight, look again once they should have shown up.
    return pending.isEmpty() ? UpdateControl.noUpdate() : UpdateControl.<StudioDeployment>noUpdate().rescheduleAfter(IN_FLIGHT);
  }

  private static void delete(KubernetesClient client, Pod pod) {
    try {
      client.resource(pod).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }
}
