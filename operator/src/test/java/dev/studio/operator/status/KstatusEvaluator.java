package dev.studio.operator.status;

import dev.studio.crd.v1alpha1.Condition;
import dev.studio.crd.v1alpha1.WithConditions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * What kstatus (sigs.k8s.io/cli-utils) computes for a custom resource, by its generic rules: a
 * generation not yet observed, or {@code Reconciling=True}, is InProgress; {@code Stalled=True} is
 * Failed; anything else is Current. Tests use it to check what Flux and Argo CD will see.
 */
public final class KstatusEvaluator {
  /** kstatus's verdicts that matter here. */
  public enum Status {
    InProgress,
    Failed,
    Current
  }

  private KstatusEvaluator() {}

  public static Status of(HasMetadata resource, WithConditions status, Long observedGeneration) {
    return of(resource.getMetadata().getGeneration(), observedGeneration, status == null ? List.of() : status.conditions());
  }

  public static Status of(Long generation, Long observedGeneration, List<Condition> conditions) {
    if (observedGeneration != null && generation != null && observedGeneration < generation) {
      return Status.InProgress;
    }
    if (isTrue(conditions, Kstatus.RECONCILING)) {
      return Status.InProgress;
    }
    if (isTrue(conditions, Kstatus.STALLED)) {
      return Status.Failed;
    }
    return Status.Current;
  }

  private static boolean isTrue(List<Condition> conditions, String type) {
    return conditions.stream().anyMatch(c -> c.type().equals(type) && c.isTrue());
  }
}
