package dev.studio.operator.sandbox;

import dev.studio.crd.v1alpha1.SandboxClaim;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.manifest.Owners;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adoption of a warm pod by a claim. The write that binds a pod carries the resourceVersion the
 * candidate was seen at, so when two claims race for one pod the API server lets exactly one
 * through and answers the other 409 Conflict; the loser tries the next candidate and, after
 * {@link #MAX_CONFLICTS} conflicts, gives up so the caller creates a pod cold. Candidates come
 * from an informer cache, which may be stale: a stale candidate costs a 409, never a double bind.
 */
public final class WarmPods {
  public static final int MAX_CONFLICTS = 3;
  private static final Logger log = LoggerFactory.getLogger(WarmPods.class);

  private WarmPods() {}

  /** Whether the kubelet reports the pod Ready. */
  public static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Warm pods a claim may take, oldest first (the longest started is the likeliest to be warm). */
  public static List<Pod> candidates(List<Pod> warm) {
    return warm.stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> SandboxNames.WARM.equals(labels(p).get(SandboxNames.STATE)))
        .filter(WarmPods::ready)
        .sorted(Comparator.comparing((Pod p) -> String.valueOf(p.getMetadata().getCreationTimestamp()))
            .thenComparing(p -> p.getMetadata().getName()))
        .toList();
  }

  /** The pod as bound to the claim: bound labels with its handle, the claim as its only controller. */
  public static Pod boundTo(Pod warm, SandboxClaim claim, StudioDeployment studio, String handle) {
    Pod pod = Serialization.clone(warm);
    var labels = new HashMap<>(labels(pod));
    labels.putAll(SandboxManifests.boundLabels(studio, handle));
    pod.getMetadata().setLabels(labels);
    pod.getMetadata().setOwnerReferences(new ArrayList<>());
    return Owners.controlledBy(pod, claim);
  }

  /**
   * Binds the first candidate that can be bound: at most {@link #MAX_CONFLICTS} optimistic-locked
   * updates, each on the resourceVersion the candidate was seen at.
   */
  public static Optional<Pod> adopt(KubernetesClient client, SandboxClaim claim, StudioDeployment studio, String handle, List<Pod> candidates) {
    int conflicts = 0;
    for (Pod candidate : candidates) {
      if (conflicts >= MAX_CONFLICTS) {
        break;
      }
      Pod bound = boundTo(candidate, claim, studio, handle);
      try {
        Pod updated = client.pods().inNamespace(candidate.getMetadata().getNamespace()).resource(bound)
            .lockResourceVersion(candidate.getMetadata().getResourceVersion()).update();
        return Optional.of(updated);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 && e.getCode() != 404) {
          throw e;
        }
        conflicts++;
        log.debug("warm pod {} was taken before claim {} could bind it ({})", candidate.getMetadata().getName(),
            claim.getMetadata().getName(), e.getCode());
      }
    }
    return Optional.empty();
  }

  static Map<String, String> labels(Pod pod) {
    return pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
  }

  static Instant created(Pod pod) {
    String ts = pod.getMetadata().getCreationTimestamp();
    return ts == null ? Instant.EPOCH : Instant.parse(ts);
  }
}
