package dev.studio.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.List;

/** What the operator observed of a WorkerPool. */
@JsonClassDescription("Observed state of the worker pool, written by the operator.")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record WorkerPoolStatus(
    @JsonPropertyDescription("The metadata.generation this status was computed from.")
        Long observedGeneration,
    @JsonPropertyDescription("Ready, Progressing and Degraded, with reasons.")
        List<Condition> conditions,
    @StatusReplicas @JsonPropertyDescription("Worker pods that exist.") Integer replicas,
    @JsonPropertyDescription("Worker pods passing their readiness probe.") Integer readyReplicas,
    @LabelSelector
        @JsonPropertyDescription("Label selector of the pool's pods, for the scale subresource.")
        String selector,
    @JsonPropertyDescription("Runs waiting on the pool's queues when last measured.")
        Long queueDepth)
    implements WithConditions {

  public WorkerPoolStatus {
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }
}
