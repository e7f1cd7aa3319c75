package dev.studio.e2e.bench;

import dev.studio.crd.v1alpha1.Condition;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.WorkerPool;
import dev.studio.crd.v1alpha1.WithConditions;
import dev.studio.operator.Fixtures;
import dev.studio.operator.MockCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The operator against the fabric8 mock API server, the operator in a process of its own (so its
 * heap and its requests are its own):
 *
 * <ol>
 *   <li>StudioDeployment created → all 14 children created, measured one at a time after a
 *       warm-up (goal p50 ≤ 200 ms);
 *   <li>200 StudioDeployments and 200 WorkerPools reconciled to Ready, then a minute of steady
 *       state in which the operator's writes are counted (goal 0), and its heap after a GC.
 * </ol>
 */
public final class OperatorBench implements Benchmark {
  static final String NAMESPACE = Fixtures.NAMESPACE;
  static final int STUDIOS = Integer.getInteger("bench.operator.studios", 200);
  static final int WARMUP = 10;
  static final int SAMPLES = 60;
  static final Duration STEADY = Duration.ofSeconds(Integer.getInteger("bench.operator.steadySeconds", 60));
  static final List<Class<? extends HasMetadata>> CHILD_KINDS = List.of(Deployment.class, Service.class, ConfigMap.class,
      Secret.class, ServiceAccount.class, Role.class, RoleBinding.class, PodDisruptionBudget.class);
  /** 3 Deployments, 2 Services, 2 ConfigMaps, 1 Secret, 1 ServiceAccount, 1 Role, 1 RoleBinding, 3 PDBs. */
  static final int CHILDREN = 14;

  @Override
  public String name() {
    return "operator";
  }

  @Override
  public Report run() throws Exception {
    var report = new Report(name());
    try (var cluster = MockCluster.start()) {
      var seen = new ConcurrentHashMap<String, Long>();
      List<SharedIndexInformer<?>> informers = new ArrayList<>();
      for (var kind : CHILD_KINDS) {
        informers.add(track(cluster, kind, seen));
      }
      informers.add(kubelet(cluster));
      Fixtures.datastoreSecrets().forEach(s -> cluster.client.resource(s).create());

      int httpPort = freePort();
      try (var operator = OperatorProcess.start(cluster, httpPort)) {
        // 1. Create → children, one StudioDeployment at a time.
        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < WARMUP + SAMPLES; i++) {
          String name = studioName(i);
          long start = System.nanoTime();
          cluster.client.resource(Fixtures.studio(name)).create();
          long done = awaitChildren(seen, name);
          if (i >= WARMUP) {
            latencies.add((done - start) / 1e6);
          }
        }
        var latency = Stats.of(latencies);
        report.distribution("StudioDeployment create -> all 14 children created", "ms", latency, "p50 <= 200 ms", latency.p50() <= 200);

        // 2. Many platforms, all Ready; then a quiet minute.
        long fillStart = System.nanoTime();
        for (int i = WARMUP + SAMPLES; i < STUDIOS; i++) {
          cluster.client.resource(Fixtures.studio(studioName(i))).create();
        }
        for (int i = 0; i < STUDIOS; i++) {
          cluster.client.resource(Fixtures.pool("pool-" + i, studioName(i), List.of("paid"))).create();
        }
        awaitAllReady(cluster);
        report.figure(STUDIOS + " StudioDeployments + " + STUDIOS + " WorkerPools to Ready", "s", (System.nanoTime() - fillStart) / 1e9,
            "(reported)", true);

        Thread.sleep(5_000);
        cluster.drainRequests();
        Thread.sleep(STEADY.toMillis());
        var requests = MockCluster.byOperator(cluster.drainRequests());
        var writes = MockCluster.writes(requests);
        long reads = requests.size() - writes.size();
        report.figure("operator writes during " + STEADY.toSeconds() + " s of steady state", "count", writes.size(), "0", writes.isEmpty());
        report.figure("operator reads during the same time (informers watch; no polling)", "count", reads, "(reported)", true);
        if (!writes.isEmpty()) {
          report.note("writes", writes.subList(0, Math.min(20, writes.size())));
        }

        long heap = operator.heapAfterGc();
        report.figure("operator heap used after a full GC, " + STUDIOS + " + " + STUDIOS + " resources", "MiB", heap / 1048576.0,
            "(reported)", true);
        report.note("operator", "separate JVM, " + Runtime.getRuntime().availableProcessors() + " cores shared with the mock API server");
      } finally {
        informers.forEach(SharedIndexInformer::close);
      }
    }
    return report;
  }

  static String studioName(int i) {
    return "s%03d".formatted(i);
  }

  private static <T extends HasMetadata> SharedIndexInformer<T> track(MockCluster cluster, Class<T> kind, Map<String, Long> seen) {
    return cluster.client.resources(kind).inNamespace(NAMESPACE).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(T resource) {
        var owners = resource.getMetadata().getOwnerReferences();
        if (owners != null && !owners.isEmpty() && owners.get(0).getKind().equals("StudioDeployment")) {
          seen.putIfAbsent(owners.get(0).getName() + "/" + kind.getSimpleName() + "/" + resource.getMetadata().getName(), System.nanoTime());
        }
      }

      @Override
      public void onUpdate(T before, T after) {}

      @Override
      public void onDelete(T resource, boolean unknown) {}
    });
  }

  /** Marks every Deployment rolled out and ready, as the Deployment controller and kubelets would. */
  private static SharedIndexInformer<Deployment> kubelet(MockCluster cluster) {
    return cluster.client.apps().deployments().inNamespace(NAMESPACE).inform(Informers.onAddOrUpdate(d -> {
      var status = d.getStatus();
      if (status == null || !Objects.equals(status.getObservedGeneration(), d.getMetadata().getGeneration())
          || !Objects.equals(status.getReadyReplicas(), d.getSpec().getReplicas())) {
        try {
          cluster.markReady(NAMESPACE, d.getMetadata().getName());
        } catch (RuntimeException e) {
          // A newer version arrived meanwhile; its own event marks it.
        }
      }
    }));
  }

  private static long awaitChildren(Map<String, Long> seen, String studio) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      var times = seen.entrySet().stream().filter(e -> e.getKey().startsWith(studio + "/")).map(Map.Entry::getValue).toList();
      if (times.size() >= CHILDREN) {
        return times.stream().mapToLong(Long::longValue).max().orElseThrow();
      }
      Thread.sleep(1);
    }
    throw new IllegalStateException("children of " + studio + " did not all appear within 60 s: "
        + seen.keySet().stream().filter(k -> k.startsWith(studio + "/")).toList());
  }

  private static void awaitAllReady(MockCluster cluster) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
    while (System.nanoTime() < deadline) {
      long studios = cluster.client.resources(StudioDeployment.class).inNamespace(NAMESPACE).list().getItems().stream()
          .filter(s -> ready(s.getStatus(), s.getMetadata().getGeneration())).count();
      long pools = cluster.client.resources(WorkerPool.class).inNamespace(NAMESPACE).list().getItems().stream()
          .filter(p -> ready(p.getStatus(), p.getMetadata().getGeneration())).count();
      // The latency phase made WARMUP + SAMPLES studios, which may be more than STUDIOS.
      if (studios == Math.max(STUDIOS, WARMUP + SAMPLES) && pools == STUDIOS) {
        return;
      }
      Thread.sleep(1_000);
    }
    throw new IllegalStateException("not all resources became Ready within 15 minutes");
  }

  private static boolean ready(WithConditions status, Long generation) {
    return status != null && Objects.equals(status.observedGeneration(), generation)
        && status.condition(Condition.READY).map(Condition::isTrue).orElse(false);
  }

  static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The operator's own JVM, talking to the mock API server like to any cluster. */
  static final class OperatorProcess implements AutoCloseable {
    private final Process process;
    private final int httpPort;

    private OperatorProcess(Process process, int httpPort) {
      this.process = process;
      this.httpPort = httpPort;
    }

    static OperatorProcess start(MockCluster cluster, int httpPort) throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      var builder = new ProcessBuilder(java, "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
          "-cp", System.getProperty("java.class.path"), "dev.studio.operator.OperatorMain");
      var env = builder.environment();
      env.put("KUBERNETES_MASTER", "http://127.0.0.1:" + cluster.server.getPort());
      env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
      env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
      env.put("KUBERNETES_NAMESPACE", NAMESPACE);
      env.put("LEADER_ELECTION_ENABLED", "false");
      env.put("HTTP_PORT", Integer.toString(httpPort));
      env.put("STUDIO_VERSION", "bench");
      builder.redirectErrorStream(true).redirectOutput(Path.of("target", "bench", "operator.log").toFile());
      Path.of("target", "bench").toFile().mkdirs();
      var operator = new OperatorProcess(builder.start(), httpPort);
      operator.awaitReady();
      return operator;
    }

    private void awaitReady() throws Exception {
      var client = HttpClient.newHttpClient();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        try {
          var response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz")).build(),
              HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // Not listening yet.
        }
        if (!process.isAlive()) {
          throw new IllegalStateException("the operator exited; see e2e/target/bench/operator.log");
        }
        Thread.sleep(200);
      }
      throw new IllegalStateException("the operator did not become ready; see e2e/target/bench/operator.log");
    }

    /** Heap in use right after a full GC (jcmd), as the operator's own /metrics reports it. */
    long heapAfterGc() throws Exception {
      String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
      new ProcessBuilder(jcmd, Long.toString(process.pid()), "GC.run").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
      return (long) Scrape.sum(Scrape.metrics("http://127.0.0.1:" + httpPort), "jvm_memory_used_bytes", "area=\"heap\"")
          .orElse(0);
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
