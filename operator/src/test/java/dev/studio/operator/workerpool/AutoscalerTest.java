package dev.studio.operator.workerpool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.crd.v1alpha1.WorkerPoolSpec;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AutoscalerTest {
  static final WorkerPoolSpec.Autoscaling BOUNDS = new WorkerPoolSpec.Autoscaling(1, 10, 5);
  static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
  static final Duration SETTLE = Duration.ofSeconds(60);

  @Test
  void onePodPerTargetRunsWithinBounds() {
    assertThat(Autoscaler.need(BOUNDS, 0)).isEqualTo(1);
    assertThat(Autoscaler.need(BOUNDS, 5)).isEqualTo(1);
    assertThat(Autoscaler.need(BOUNDS, 6)).isEqualTo(2);
    assertThat(Autoscaler.need(BOUNDS, 48)).isEqualTo(10);
    assertThat(Autoscaler.need(BOUNDS, 10_000)).isEqualTo(10);
  }

  @Test
  void growsAtOnceAndShrinksOnlyAfterTheNeedStayedLow() {
    var up = Autoscaler.decide(BOUNDS, 30, 2, null, T0, SETTLE);
    assertThat(up.replicas()).isEqualTo(6);
    assertThat(up.lowSince()).isNull();

    var low = Autoscaler.decide(BOUNDS, 3, 6, null, T0, SETTLE);
    assertThat(low.replicas()).as("not yet").isEqualTo(6);
    assertThat(low.lowSince()).isEqualTo(T0);
    var stillLow = Autoscaler.decide(BOUNDS, 3, 6, low.lowSince(), T0.plusSeconds(30), SETTLE);
    assertThat(stillLow.replicas()).isEqualTo(6);
    var settled = Autoscaler.decide(BOUNDS, 3, 6, stillLow.lowSince(), T0.plusSeconds(60), SETTLE);
    assertThat(settled.replicas()).isEqualTo(1);
    assertThat(settled.lowSince()).isNull();

    // A burst in between resets the wait.
    var burst = Autoscaler.decide(BOUNDS, 40, 6, low.lowSince(), T0.plusSeconds(20), SETTLE);
    assertThat(burst.replicas()).isEqualTo(8);
    assertThat(burst.lowSince()).isNull();
  }

  @Test
  void aPoolOutsideItsBoundsIsBroughtBackAtOnce() {
    assertThat(Autoscaler.decide(BOUNDS, 0, 40, null, T0, SETTLE).replicas()).as("above max").isEqualTo(10);
    assertThat(Autoscaler.decide(BOUNDS, 0, 0, null, T0, SETTLE).replicas()).as("below min").isEqualTo(1);
  }
}
