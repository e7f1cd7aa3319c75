package dev.studio.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What the operator observed of a StudioDeployment. */
@JsonClassDescription("Observed state of the studio platform, written by the operator.")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record StudioDeploymentStatus(
    @JsonPropertyDescription("The metadata.generation this status was computed from.")
        Long observedGeneration,
    @JsonPropertyDescription("Ready, Progressing and Degraded, with reasons.")
        List<Condition> conditions,
    @JsonPropertyDescription("Replicas of the web tier (nginx).") ReplicaStatus web,
    @JsonPropertyDescription("Replicas of the api tier.") ReplicaStatus api,
    @JsonPropertyDescription("Replicas of the worker tier.") ReplicaStatus worker,
    @JsonPropertyDescription("Where users reach the studio.") String url,
    @JsonPropertyDescription("The sandbox warm pool.") WarmPoolStatus warmPool)
    implements WithConditions {

  public StudioDeploymentStatus {
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }

  /** Sandbox pods kept started ahead of claims. */
  public record WarmPoolStatus(
      @JsonPropertyDescription("Warm pods the pool should hold.") Integer size,
      @JsonPropertyDescription("Warm pods ready to be claimed.") Integer ready) {}
}
