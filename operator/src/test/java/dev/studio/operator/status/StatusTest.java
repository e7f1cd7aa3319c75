package dev.studio.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.crd.v1alpha1.Condition;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusTest {
  static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  @Test
  void aConditionKeepsItsTransitionTimeWhileItsStatusStays() {
    var first = Conditions.settle(List.of(), List.of(Conditions.of("Ready", false, "RollingOut", "api: 0/2 ready")), 1, T0);
    assertThat(first.get(0).lastTransitionTime()).isEqualTo("2026-11-01T10:00:00Z");
    assertThat(first.get(0).observedGeneration()).isEqualTo(1);

    var later = Conditions.settle(first, List.of(Conditions.of("Ready", false, "RollingOut", "api: 1/2 ready")), 2, T0.plusSeconds(30));
    assertThat(later.get(0).lastTransitionTime()).isEqualTo("2026-11-01T10:00:00Z");
    assertThat(later.get(0).message()).isEqualTo("api: 1/2 ready");

    var ready = Conditions.settle(later, List.of(Conditions.of("Ready", true, "AllReplicasReady", "ok")), 2, T0.plusSeconds(60));
    assertThat(ready.get(0).lastTransitionTime()).isEqualTo("2026-11-01T10:01:00Z");
    assertThat(ready.get(0).status()).isEqualTo("True");
    // Nothing changed: the very same conditions, so the status is not rewritten.
    assertThat(Conditions.settle(ready, List.of(Conditions.of("Ready", true, "AllReplicasReady", "ok")), 2, T0.plusSeconds(90))).isEqualTo(ready);
  }

  @Test
  void backoffDoublesFromFiveSecondsToFiveMinutes() {
    assertThat(Backoff.after(T0, T0)).isEqualTo(Duration.ofSeconds(5));
    assertThat(Backoff.after(T0, T0.plusSeconds(5))).isEqualTo(Duration.ofSeconds(5));
    assertThat(Backoff.after(T0, T0.plusSeconds(10))).isEqualTo(Duration.ofSeconds(10));
    assertThat(Backoff.after(T0, T0.plusSeconds(20))).isEqualTo(Duration.ofSeconds(20));
    assertThat(Backoff.after(T0, T0.plusSeconds(3600))).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void readinessOfDeployments() {
    var ready = DeploymentState.of(deployment(2, 2, 2, 2, 3, 3, null));
    var rolling = DeploymentState.of(deployment(2, 3, 2, 1, 4, 4, null));
    var stale = DeploymentState.of(deployment(2, 2, 2, 2, 5, 4, null));
    var stalled = DeploymentState.of(deployment(2, 2, 1, 1, 3, 3, "ProgressDeadlineExceeded"));
    assertThat(ready.rolledOut()).isTrue();
    assertThat(rolling.rolledOut()).isFalse();
    assertThat(stale.rolledOut()).as("status not yet observed for the new generation").isFalse();
    assertThat(DeploymentState.missing("acme-api", 2).rolledOut()).isFalse();

    var allReady = Readiness.of(List.of(ready));
    assertThat(allReady).extracting(Condition::type, Condition::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Ready", "True"), org.assertj.core.groups.Tuple.tuple("Progressing", "False"),
            org.assertj.core.groups.Tuple.tuple("Degraded", "False"));
    var rollingOut = Readiness.of(List.of(ready, rolling));
    assertThat(rollingOut.get(0).status()).isEqualTo("False");
    assertThat(rollingOut.get(0).message()).isEqualTo("acme-api: 2/2 ready, 1 updated");
    assertThat(rollingOut.get(1).status()).isEqualTo("True");
    var degraded = Readiness.of(List.of(ready, stalled));
    assertThat(degraded.get(0).reason()).isEqualTo("RolloutStalled");
    assertThat(degraded.get(2).status()).isEqualTo("True");
    assertThat(degraded.get(2).message()).contains("progress deadline exceeded");
  }

  private static io.fabric8.kubernetes.api.model.apps.Deployment deployment(
      int desired, int replicas, int ready, int updated, long generation, long observed, String reason) {
    var builder = new DeploymentBuilder().withNewMetadata().withName("acme-api").withGeneration(generation).endMetadata()
        .withNewSpec().withReplicas(desired).endSpec()
        .withNewStatus().withReplicas(replicas).withReadyReplicas(ready).withUpdatedReplicas(updated).withObservedGeneration(observed);
    if (reason != null) {
      builder.addToConditions(new DeploymentConditionBuilder().withType("Progressing").withStatus("False").withReason(reason).build());
    }
    return builder.endStatus().build();
  }
}
