package dev.studio.operator.sandbox;

import static dev.studio.operator.Fixtures.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.crd.v1alpha1.SandboxClaim;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.Images;
import dev.studio.operator.MockCluster;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Adoption itself, without an operator around it: two claims holding the same (stale) view of the
 * pool write at the same instant, and the API server's optimistic locking decides.
 */
class WarmPodsRaceTest {
  static final Images IMAGES = new Images(Images.DEFAULT_RUNTIME, Images.DEFAULT_DAEMON, Images.DEFAULT_SIDECAR, "1.0.0");

  MockCluster cluster;
  StudioDeployment studio;

  @BeforeEach
  void start() {
    cluster = MockCluster.start();
    studio = cluster.client.resource(SandboxFixtures.studio("acme", SandboxFixtures.template(0))).create();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void twoClaimsWritingAtOnceBindOnePodOnce() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        Pod warm = readyWarmPod("acme-warm-r" + round);
        var a = claim("a" + round);
        var b = claim("b" + round);
        var barrier = new CyclicBarrier(2);
        List<Pod> seen = List.of(warm);
        char suffix = (char) ('a' + round % 26);
        Future<Optional<Pod>> first = threads.submit(() -> { barrier.await(); return WarmPods.adopt(cluster.client, a, studio, "aaaaaaaaaaaaaaa" + suffix, seen); });
        Future<Optional<Pod>> second = threads.submit(() -> { barrier.await(); return WarmPods.adopt(cluster.client, b, studio, "bbbbbbbbbbbbbbb" + suffix, seen); });
        var results = List.of(first.get(), second.get());

        assertThat(results.stream().filter(Optional::isPresent)).as("round %d", round).hasSize(1);
        Pod stored = cluster.client.pods().inNamespace(NAMESPACE).withName(warm.getMetadata().getName()).get();
        String winner = results.get(0).isPresent() ? a.getMetadata().getUid() : b.getMetadata().getUid();
        assertThat(stored.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getUid()).isEqualTo(winner));
        assertThat(stored.getMetadata().getLabels()).containsEntry(SandboxNames.STATE, SandboxNames.BOUND);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void theLoserTakesTheNextCandidate() {
    Pod one = readyWarmPod("acme-warm-one");
    Pod two = readyWarmPod("acme-warm-two");
    var a = claim("a");
    var b = claim("b");
    var seen = WarmPods.candidates(List.of(two, one));
    assertThat(WarmPods.adopt(cluster.client, a, studio, "aaaaaaaaaaaaaaaa", seen)).hasValueSatisfying(p -> assertThat(p.getMetadata().getName()).isEqualTo(seen.get(0).getMetadata().getName()));
    // b still sees both as warm (a stale cache): its first write conflicts, its second binds.
    assertThat(WarmPods.adopt(cluster.client, b, studio, "bbbbbbbbbbbbbbbb", seen)).hasValueSatisfying(p -> assertThat(p.getMetadata().getName()).isEqualTo(seen.get(1).getMetadata().getName()));
  }

  @Test
  void afterThreeConflictsItGivesUpSoTheClaimGoesCold() {
    List<Pod> stale = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      stale.add(readyWarmPod("acme-warm-" + i));
    }
    var taker = claim("taker");
    for (Pod pod : stale) {
      assertThat(WarmPods.adopt(cluster.client, taker, studio, "tttttttttttttttt", List.of(pod))).isPresent();
    }
    cluster.drainRequests();
    assertThat(WarmPods.adopt(cluster.client, claim("late"), studio, "llllllllllllllll", stale)).isEmpty();
    long writes = cluster.drainRequests().stream().filter(r -> r.getMethod().equals("PUT") && r.getPath().contains("/pods/")).count();
    assertThat(writes).isEqualTo(WarmPods.MAX_CONFLICTS);
  }

  @Test
  void onlyReadyUnboundPodsAreCandidatesOldestFirst() {
    Pod ready = readyWarmPod("acme-warm-ready");
    Pod starting = cluster.client.resource(WarmPoolReconciler.warmPod(studio, IMAGES, "acme-warm-starting")).create();
    assertThat(WarmPods.candidates(List.of(starting, ready))).extracting(p -> p.getMetadata().getName()).containsExactly("acme-warm-ready");
    Pod bound = WarmPods.adopt(cluster.client, claim("x"), studio, "xxxxxxxxxxxxxxxx", List.of(ready)).orElseThrow();
    assertThat(WarmPods.candidates(List.of(bound))).isEmpty();
  }

  private Pod readyWarmPod(String name) {
    cluster.client.resource(WarmPoolReconciler.warmPod(studio, IMAGES, name)).create();
    cluster.markPodReady(NAMESPACE, name);
    return cluster.client.pods().inNamespace(NAMESPACE).withName(name).get();
  }

  private SandboxClaim claim(String name) {
    return cluster.client.resource(SandboxFixtures.claim(name, "acme")).create();
  }
}
