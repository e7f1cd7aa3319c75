package dev.studio.operator.workerpool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.crd.v1alpha1.WorkerPool;
import dev.studio.crd.v1alpha1.WorkerPoolSpec;
import dev.studio.operator.Fixtures;
import dev.studio.operator.Golden;
import dev.studio.operator.Images;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolManifestsTest {
  static final Images IMAGES = new Images(Images.DEFAULT_RUNTIME, Images.DEFAULT_DAEMON, Images.DEFAULT_SIDECAR, "1.0.0");

  @Test
  void aPoolsDeployment() {
    WorkerPool pool = Fixtures.pool("paid", "acme", List.of("paid", "privileged"));
    Golden.assertMatches("workerpool/deployment", PoolManifests.deployment(pool, Fixtures.studio("acme"), IMAGES));
  }

  @Test
  void replicasStayWithinTheAutoscalingBounds() {
    var ref = new dev.studio.crd.v1alpha1.StudioRef("acme");
    assertThat(PoolManifests.replicas(new WorkerPoolSpec(ref, List.of("paid"), 3, null, null, null))).isEqualTo(3);
    assertThat(PoolManifests.replicas(new WorkerPoolSpec(ref, List.of("paid"), 30, null, null, new WorkerPoolSpec.Autoscaling(2, 10, 5)))).isEqualTo(10);
    assertThat(PoolManifests.replicas(new WorkerPoolSpec(ref, List.of("paid"), 0, null, null, new WorkerPoolSpec.Autoscaling(2, 10, 5)))).isEqualTo(2);
  }
}
