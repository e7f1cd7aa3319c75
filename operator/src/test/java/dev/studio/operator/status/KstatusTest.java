package dev.studio.operator.status;

import static dev.studio.operator.status.KstatusEvaluator.Status.Current;
import static dev.studio.operator.status.KstatusEvaluator.Status.Failed;
import static dev.studio.operator.status.KstatusEvaluator.Status.InProgress;
import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.crd.v1alpha1.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every kind's status, as kstatus reads it: Flux and Argo CD wait for Current and stop at Failed. */
class KstatusTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  static KstatusEvaluator.Status kstatus(List<Condition> conditions) {
    return KstatusEvaluator.of(3L, 3L, Conditions.settle(List.of(), conditions, 3, NOW));
  }

  @Test
  void deploymentBackedKindsAreInProgressWhileRollingOutCurrentWhenReadyFailedWhenStalledOrBlocked() {
    var rollingOut = List.of(Conditions.of(Condition.READY, false, Readiness.REASON_ROLLING_OUT, "api 1/2 ready"),
        Conditions.of(Condition.PROGRESSING, true, Readiness.REASON_ROLLING_OUT, "api 1/2 ready"),
        Conditions.of(Condition.DEGRADED, false, Readiness.REASON_HEALTHY, "No rollout is stalled."));
    assertThat(kstatus(rollingOut)).isEqualTo(InProgress);
    var ready = List.of(Conditions.of(Condition.READY, true, Readiness.REASON_READY, "All pods are ready and up to date."),
        Conditions.of(Condition.PROGRESSING, false, Readiness.REASON_STABLE, "Nothing is rolling out."),
        Conditions.of(Condition.DEGRADED, false, Readiness.REASON_HEALTHY, "No rollout is stalled."));
    assertThat(kstatus(ready)).isEqualTo(Current);
    var stalled = List.of(Conditions.of(Condition.READY, false, Readiness.REASON_STALLED, "api: progress deadline exceeded"),
        Conditions.of(Condition.PROGRESSING, false, Readiness.REASON_STALLED, "api: progress deadline exceeded"),
        Conditions.of(Condition.DEGRADED, true, Readiness.REASON_STALLED, "api: progress deadline exceeded"));
    assertThat(kstatus(stalled)).isEqualTo(Failed);
    assertThat(kstatus(Readiness.blocked("SecretNotFound", "Secret studio-postgres does not exist"))).isEqualTo(Failed);
  }

  @Test
  void readyOnlyKindsFollowTheirReason() {
    assertThat(kstatus(List.of(Conditions.of(Condition.READY, true, "Serving", "word-tools@abc")))).isEqualTo(Current);
    assertThat(kstatus(List.of(Conditions.of(Condition.READY, false, "ApiUnavailable", "the api did not answer")))).isEqualTo(InProgress);
    assertThat(kstatus(List.of(Conditions.of(Condition.READY, false, "SourceUnavailable", "git: timeout")))).isEqualTo(InProgress);
    assertThat(kstatus(List.of(Conditions.of(Condition.READY, false, "InvalidBundle", "bundle.yaml: bad")))).isEqualTo(Failed);
    assertThat(kstatus(List.of(Conditions.of(Condition.READY, false, "PodStarting", "waiting for the pod")))).isEqualTo(InProgress);
    assertThat(kstatus(List.of(Conditions.of(Condition.READY, false, "Expired", "idle for 3600 s")))).isEqualTo(Failed);
  }

  @Test
  void aGenerationNotYetObservedIsInProgressWhateverTheConditionsSay() {
    var ready = Conditions.settle(List.of(), List.of(Conditions.of(Condition.READY, true, "Serving", "")), 3, NOW);
    assertThat(KstatusEvaluator.of(4L, 3L, ready)).isEqualTo(InProgress);
  }

  @Test
  void theDerivedConditionsKeepTheirTransitionTimesAcrossReconciles() {
    var first = Conditions.settle(List.of(), List.of(Conditions.of(Condition.READY, false, "ApiUnavailable", "down")), 1, NOW);
    var again = Conditions.settle(first, List.of(Conditions.of(Condition.READY, false, "ApiUnavailable", "down")), 1,
        NOW.plusSeconds(60));
    assertThat(again).isEqualTo(first); // nothing changed: nothing to write
  }
}
