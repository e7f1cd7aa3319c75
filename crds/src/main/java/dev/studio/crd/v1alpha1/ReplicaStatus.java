package dev.studio.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Replica counts of one tier, as its Deployment reports them. */
public record ReplicaStatus(
    @JsonPropertyDescription("Desired number of pods.") Integer replicas,
    @JsonPropertyDescription("Pods passing their readiness probe.") Integer readyReplicas,
    @JsonPropertyDescription("Pods already running the current pod template.")
        Integer updatedReplicas) {

  public static final ReplicaStatus NONE = new ReplicaStatus(0, 0, 0);
}
