package dev.studio.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;

/** A pool of workers for some queues. */
@JsonClassDescription("Desired state of the worker pool.")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record WorkerPoolSpec(
    @Required @JsonPropertyDescription("The StudioDeployment whose runs these workers execute.")
        StudioRef studioRef,
    @Required
        @Size(min = 1, max = 32)
        @JsonPropertyDescription("Queues the pool takes runs from (STUDIO_LISTEN_QUEUES).")
        List<@Pattern(Names.DNS_LABEL) String> queues,
    @SpecReplicas
        @Default("1")
        @Min(0)
        @Max(1000)
        @JsonPropertyDescription(
            "Number of worker pods. With autoscaling the operator sets it within min and max.")
        Integer replicas,
    @JsonPropertyDescription(
            "Compute resources of each worker pod. Defaults to the StudioDeployment's workers'.")
        Resources resources,
    @Min(1)
        @Max(1000)
        @JsonPropertyDescription(
            "Runs one pod executes at once. Defaults to the StudioDeployment's workers'.")
        Integer maxConcurrentRuns,
    @JsonPropertyDescription("Scale the pool on the depth of its queues.") Autoscaling autoscaling) {

  public WorkerPoolSpec {
    queues = queues == null ? List.of() : List.copyOf(queues);
    replicas = replicas == null ? 1 : replicas;
  }

  /** Queue-depth autoscaling. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @ValidationRule(
      value = "self.minReplicas <= self.maxReplicas",
      message = "minReplicas must not exceed maxReplicas",
      fieldPath = ".minReplicas")
  public record Autoscaling(
      @Default("1") @Min(0) @Max(1000) @JsonPropertyDescription("Fewest pods.") Integer minReplicas,
      @Required @Min(1) @Max(1000) @JsonPropertyDescription("Most pods.") Integer maxReplicas,
      @Default("10")
          @Min(1)
          @Max(100000)
          @JsonPropertyDescription("Queued runs one pod is meant to absorb.")
          Integer targetQueueDepthPerReplica) {
    public Autoscaling {
      minReplicas = minReplicas == null ? 1 : minReplicas;
      targetQueueDepthPerReplica = targetQueueDepthPerReplica == null ? 10 : targetQueueDepthPerReplica;
    }
  }
}
