package dev.studio.e2e.bench;

import dev.studio.crd.v1alpha1.Sandbox;
import dev.studio.crd.v1alpha1.SandboxClaim;
import dev.studio.crd.v1alpha1.SandboxClaimStatus.LaunchType;
import dev.studio.crd.v1alpha1.SandboxClaimStatus.Phase;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.StudioDeploymentSpec;
import dev.studio.operator.Fixtures;
import dev.studio.operator.MockCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * SandboxClaims against the fabric8 mock API server, the operator in a process of its own, pods
 * marked ready by a stand-in kubelet here:
 *
 * <ol>
 *   <li>a claim created while a warm pod is free → {@code Ready} with a previewUrl, one claim at a
 *       time after a warm-up (goals p50 ≤ 100 ms, p99 ≤ 500 ms);
 *   <li>1,000 claims created at once, all reconciled to Ready, and the operator's heap after a GC
 *       (goal ≤ 256 MiB).
 * </ol>
 */
public final class SandboxBench implements Benchmark {
  static final String NAMESPACE = Fixtures.NAMESPACE;
  static final int WARMUP = 10;
  static final int SAMPLES = Integer.getInteger("bench.sandbox.samples", 100);
  static final int CLAIMS = Integer.getInteger("bench.sandbox.claims", 1000);
  static final int POOL = 4;

  @Override
  public String name() {
    return "sandbox";
  }

  @Override
  public Report run() throws Exception {
    var report = new Report(name());
    try (var cluster = MockCluster.withGatewayApi()) {
      var readyAt = new ConcurrentHashMap<String, Long>();
      var launch = new ConcurrentHashMap<String, LaunchType>();
      List<SharedIndexInformer<?>> informers = new ArrayList<>();
      informers.add(watchClaims(cluster, readyAt, launch));
      informers.add(kubelet(cluster));
      Fixtures.datastoreSecrets().forEach(s -> cluster.client.resource(s).create());
      cluster.client.resource(studio()).create();

      try (var operator = OperatorBench.OperatorProcess.start(cluster, OperatorBench.freePort())) {
        // 1. One claim at a time, each while a warm pod is free and ready.
        List<Double> latencies = new ArrayList<>();
        int warm = 0;
        for (int i = 0; i < WARMUP + SAMPLES; i++) {
          awaitFreeWarmPod(cluster);
          String name = "w%04d".formatted(i);
          long start = System.nanoTime();
          cluster.client.resource(claim(name)).create();
          long done = await(readyAt, name);
          if (i >= WARMUP) {
            latencies.add((done - start) / 1e6);
            warm += launch.get(name) == LaunchType.Warm ? 1 : 0;
          }
        }
        var latency = Stats.of(latencies);
        report.distribution("warm SandboxClaim created -> Ready with previewUrl", "ms", latency, "p50 <= 100 ms, p99 <= 500 ms",
            latency.p50() <= 100 && latency.p99() <= 500);
        report.figure("of those, claims that adopted a warm pod", "count", warm, "all " + SAMPLES, warm == SAMPLES);

        // 2. Many claims at once: the pool drains, the rest start cold.
        long fillStart = System.nanoTime();
        for (int i = 0; i < CLAIMS; i++) {
          cluster.client.resource(claim("c%04d".formatted(i))).create();
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        while (readyAt.keySet().stream().filter(k -> k.startsWith("c")).count() < CLAIMS) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("not all claims became Ready within 15 minutes");
          }
          Thread.sleep(200);
        }
        report.figure(CLAIMS + " SandboxClaims created at once -> all Ready", "s", (System.nanoTime() - fillStart) / 1e9, "(reported)", true);
        long heap = operator.heapAfterGc();
        report.figure("operator heap used after a full GC, " + (CLAIMS + WARMUP + SAMPLES) + " claims and their pods", "MiB", heap / 1048576.0,
            "<= 256 MiB", heap <= 256L * 1048576);
        report.note("operator", "separate JVM, " + Runtime.getRuntime().availableProcessors() + " cores shared with the mock API server");
        report.note("kubelet", "pods are marked Ready by the benchmark the moment they are seen (no image pull, no start)");
      } finally {
        informers.forEach(SharedIndexInformer::close);
      }
    }
    return report;
  }

  static StudioDeployment studio() {
    var studio = Fixtures.studio("acme");
    var spec = studio.getSpec();
    var sandbox = new Sandbox(null, null, null, null, "preview.bench", null, new StudioDeploymentSpec.ParentRef("public", null, null),
        new Sandbox.WarmPool(POOL), null, null, null);
    studio.setSpec(new StudioDeploymentSpec(spec.image(), spec.version(), spec.imagePullPolicy(), spec.imagePullSecrets(),
        spec.publicUrl(), spec.web(), spec.api(), spec.worker(), spec.database(), spec.redis(), spec.nats(), spec.objectStore(),
        spec.model(), spec.secrets(), spec.gateway(), sandbox, spec.shutdownGraceSeconds()));
    return studio;
  }

  static SandboxClaim claim(String name) {
    return Fixtures.valid("""
        apiVersion: studio.dev/v1alpha1
        kind: SandboxClaim
        metadata: {name: %s, namespace: %s}
        spec:
          studioRef: {name: acme}
          user: bench
          projectRef: {repo: "https://github.com/example/website.git"}
          lifecycle: {idleTtlSeconds: 0}
        """.formatted(name, NAMESPACE), SandboxClaim.class);
  }

  private static void awaitFreeWarmPod(MockCluster cluster) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      boolean free = cluster.client.pods().inNamespace(NAMESPACE).withLabel("studio.dev/sandbox-state", "warm").list().getItems().stream()
          .anyMatch(SandboxBench::ready);
      if (free) {
        return;
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("no warm pod became free within 60 s");
  }

  private static long await(Map<String, Long> readyAt, String name) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Long at = readyAt.get(name);
      if (at != null) {
        return at;
      }
      Thread.sleep(1);
    }
    throw new IllegalStateException("claim " + name + " did not become Ready within 60 s");
  }

  /** Records when each claim was first seen Ready with a preview URL. */
  private static SharedIndexInformer<SandboxClaim> watchClaims(MockCluster cluster, Map<String, Long> readyAt, Map<String, LaunchType> launch) {
    return cluster.client.resources(SandboxClaim.class).inNamespace(NAMESPACE).inform(Informers.onAddOrUpdate(claim -> {
      var status = claim.getStatus();
      if (status != null && status.phase() == Phase.Ready && status.previewUrl() != null) {
        long now = System.nanoTime();
        if (readyAt.putIfAbsent(claim.getMetadata().getName(), now) == null) {
          launch.put(claim.getMetadata().getName(), status.launchType());
        }
      }
    }));
  }

  /** Marks every sandbox pod Ready as soon as it exists, as a kubelet with the image cached would (soon after). */
  private static SharedIndexInformer<Pod> kubelet(MockCluster cluster) {
    return cluster.client.pods().inNamespace(NAMESPACE).inform(Informers.onAddOrUpdate(pod -> {
      if (!ready(pod)) {
        try {
          cluster.markPodReady(NAMESPACE, pod.getMetadata().getName());
        } catch (RuntimeException e) {
          // Deleted meanwhile.
        }
      }
    }));
  }

  static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
