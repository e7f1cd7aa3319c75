package dev.studio.operator.status;

import dev.studio.crd.v1alpha1.Condition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Ready, Progressing and Degraded from the Deployments a resource owns: Ready when every one is
 * rolled out; Progressing while one is on its way; Degraded when one's rollout stalled.
 */
public final class Readiness {
  public static final String REASON_READY = "AllReplicasReady";
  public static final String REASON_ROLLING_OUT = "RollingOut";
  public static final String REASON_STALLED = "RolloutStalled";
  public static final String REASON_STABLE = "Stable";
  public static final String REASON_HEALTHY = "Healthy";

  private Readiness() {}

  public static List<Condition> of(Collection<DeploymentState> deployments) {
    var notReady = deployments.stream().filter(d -> !d.rolledOut()).toList();
    var stalled = deployments.stream().filter(DeploymentState::deadlineExceeded).toList();
    List<Condition> conditions = new ArrayList<>();
    if (notReady.isEmpty()) {
      conditions.add(Conditions.of(Condition.READY, true, REASON_READY, "All pods are ready and up to date."));
      conditions.add(Conditions.of(Condition.PROGRESSING, false, REASON_STABLE, "Nothing is rolling out."));
    } else {
      String waiting = summaries(notReady);
      conditions.add(
          Conditions.of(Condition.READY, false, stalled.isEmpty() ? REASON_ROLLING_OUT : REASON_STALLED, waiting));
      conditions.add(
          Conditions.of(Condition.PROGRESSING, stalled.isEmpty(), stalled.isEmpty() ? REASON_ROLLING_OUT : REASON_STALLED, waiting));
    }
    conditions.add(
        stalled.isEmpty()
            ? Conditions.of(Condition.DEGRADED, false, REASON_HEALTHY, "No rollout is stalled.")
            : Conditions.of(Condition.DEGRADED, true, REASON_STALLED, summaries(stalled)));
    return conditions;
  }

  /**
   * Conditions for a resource the operator cannot roll out at all (a missing reference): not
   * Ready, not Progressing, Degraded, all with the same reason and message.
   */
  public static List<Condition> blocked(String reason, String message) {
    return List.of(
        Conditions.of(Condition.READY, false, reason, message),
        Conditions.of(Condition.PROGRESSING, false, reason, message),
        Conditions.of(Condition.DEGRADED, true, reason, message));
  }

  private static String summaries(List<DeploymentState> states) {
    return states.stream().map(DeploymentState::summary).collect(Collectors.joining("; "));
  }
}
