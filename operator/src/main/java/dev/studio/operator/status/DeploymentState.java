package dev.studio.operator.status;

import dev.studio.crd.v1alpha1.ReplicaStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import java.util.Objects;

/** How far a Deployment got: what a controller needs to say Ready, Progressing or Degraded. */
public record DeploymentState(
    String name,
    int desired,
    int replicas,
    int ready,
    int updated,
    boolean exists,
    boolean observed,
    boolean deadlineExceeded) {

  public static DeploymentState missing(String name, int desired) {
    return new DeploymentState(name, desired, 0, 0, 0, false, false, false);
  }

  public static DeploymentState of(Deployment deployment) {
    var status = deployment.getStatus();
    int desired = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
    if (status == null) {
      return new DeploymentState(deployment.getMetadata().getName(), desired, 0, 0, 0, true, false, false);
    }
    Long generation = deployment.getMetadata().getGeneration();
    boolean observed =
        generation == null
            || (status.getObservedGeneration() != null && status.getObservedGeneration() >= generation);
    boolean deadline =
        status.getConditions() != null
            && status.getConditions().stream()
                .anyMatch(DeploymentState::isDeadlineExceeded);
    return new DeploymentState(
        deployment.getMetadata().getName(),
        desired,
        orZero(status.getReplicas()),
        orZero(status.getReadyReplicas()),
        orZero(status.getUpdatedReplicas()),
        true,
        observed,
        deadline);
  }

  /** Every desired pod runs the current template and is ready, and nothing old is left. */
  public boolean rolledOut() {
    return exists && observed && updated >= desired && ready >= desired && replicas <= desired;
  }

  public ReplicaStatus replicaStatus() {
    return new ReplicaStatus(desired, ready, updated);
  }

  /** E.g. {@code "acme-api: 1/2 ready"}. */
  public String summary() {
    if (!exists) {
      return name + ": not created yet";
    }
    if (deadlineExceeded) {
      return name + ": rollout stalled (progress deadline exceeded), " + ready + "/" + desired + " ready";
    }
    return name + ": " + ready + "/" + desired + " ready" + (updated < desired ? ", " + updated + " updated" : "");
  }

  private static boolean isDeadlineExceeded(DeploymentCondition c) {
    return "Progressing".equals(c.getType())
        && "False".equals(c.getStatus())
        && "ProgressDeadlineExceeded".equals(c.getReason());
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }
}
