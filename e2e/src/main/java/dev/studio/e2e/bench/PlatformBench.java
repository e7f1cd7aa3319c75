package dev.studio.e2e.bench;

import dev.studio.crd.v1alpha1.Condition;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.e2e.process.ProcessKubelet;
import dev.studio.operator.Fixtures;
import dev.studio.operator.MockCluster;
import dev.studio.operator.OperatorConfig;
import dev.studio.runtime.TestDatabase;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import dev.studio.runtime.testing.S3Server;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Process mode (the real operator on the mock API server, every pod a local process): a
 * StudioDeployment applied → the platform Ready (web, api and worker processes started, their
 * probes answering), and then a first message posted through the web tier → its first event on
 * the thread's stream (and its first piece of answer), over {@code bench.platform.rounds} fresh
 * platforms. For reading: no goal is set for these.
 */
public final class PlatformBench implements Benchmark {
  static final int ROUNDS = Integer.getInteger("bench.platform.rounds", 3);

  @Override
  public String name() {
    return "platform";
  }

  @Override
  public Report run() throws Exception {
    List<Double> ready = new ArrayList<>();
    List<Double> firstEvent = new ArrayList<>();
    List<Double> firstDelta = new ArrayList<>();
    for (int round = 1; round <= ROUNDS; round++) {
      System.out.println("platform: round " + round + " of " + ROUNDS);
      round(ready, firstEvent, firstDelta);
    }
    var report = new Report(name());
    report.distribution("StudioDeployment applied -> Ready (1 web, 1 api, 1 worker process)", "ms", Stats.of(ready), "(for reading)", true);
    report.distribution("first message posted -> its first event on the stream (through the web tier)", "ms", Stats.of(firstEvent),
        "(for reading)", true);
    report.distribution("first message posted -> its first piece of answer", "ms", Stats.of(firstDelta), "(for reading)", true);
    report.note("rounds", ROUNDS + " fresh platforms (database, mock API server, operator, processes)");
    report.note("machine", Runtime.getRuntime().availableProcessors() + " cores; JVM start-up dominates Ready");
    return report;
  }

  private static void round(List<Double> ready, List<Double> firstEvent, List<Double> firstDelta) throws Exception {
    String name = "bench-" + UUID.randomUUID().toString().substring(0, 6);
    try (var s3 = S3Server.start(); var database = TestDatabase.create(); var cluster = MockCluster.start();
        var kubelet = new ProcessKubelet(cluster.client, Fixtures.NAMESPACE)) {
      var base = MockCluster.operatorConfig();
      cluster.startOperator(new OperatorConfig(base.watchNamespaces(), false, base.leaseName(), null, "platform-bench", 0, base.images(),
          4, new OperatorConfig.Autoscaling("http://127.0.0.1:" + kubelet.servicePort(name + "-api"), Duration.ofSeconds(5),
              Duration.ofSeconds(60))));
      kubelet.start();
      var env = s3.env();
      cluster.client.resource(Fixtures.secret("db", Map.of("uri", database.url()))).create();
      cluster.client.resource(Fixtures.secret("s3", Map.of("access-key-id", env.get("S3_ACCESS_KEY_ID"),
          "secret-access-key", env.get("S3_SECRET_ACCESS_KEY")))).create();
      int web = kubelet.servicePort(name + "-web");
      var studio = Fixtures.valid("""
          apiVersion: studio.dev/v1alpha1
          kind: StudioDeployment
          metadata: {name: %s, namespace: %s}
          spec:
            publicUrl: http://127.0.0.1:%d
            web: {replicas: 1}
            api: {replicas: 1}
            worker: {replicas: 1}
            database: {urlSecretRef: {name: db, key: uri}}
            redis: {url: "redis://127.0.0.1:6379"}
            nats: {url: "nats://127.0.0.1:4222"}
            objectStore: {endpoint: "%s", bucket: %s, credentialsSecretRef: {name: s3}}
            model: {provider: dev}
          """.formatted(name, Fixtures.NAMESPACE, web, env.get("S3_ENDPOINT"), env.get("S3_BUCKET")), StudioDeployment.class);
      long applied = System.nanoTime();
      cluster.client.resource(studio).create();
      long deadline = applied + Duration.ofMinutes(5).toNanos();
      while (!isReady(cluster, name)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the platform did not turn Ready in 5 minutes: " + kubelet.problems(name + "-web"));
        }
        Thread.sleep(20);
      }
      ready.add((System.nanoTime() - applied) / 1e6);

      var secret = cluster.client.secrets().inNamespace(Fixtures.NAMESPACE).withName(name + "-generated").get();
      String token = new String(Base64.getDecoder().decode(secret.getData().get("admin-token")), StandardCharsets.UTF_8).trim();
      var admin = new Api("http://127.0.0.1:" + web, token);
      String org = Platform.org(admin);
      String thread = Platform.thread(admin, org);
      try (var stream = SseClient.open(admin.base(), "/api/" + org + "/threads/" + thread + "/stream", token)) {
        long posted = System.nanoTime();
        Platform.post(admin, org, thread, "hello");
        boolean first = true;
        while (true) {
          var event = stream.next();
          if (event == null) {
            throw new IllegalStateException("the stream ended before the answer");
          }
          if (first) {
            firstEvent.add((event.receivedNanos() - posted) / 1e6);
            first = false;
          }
          if ("message.delta".equals(event.type())) {
            firstDelta.add((event.receivedNanos() - posted) / 1e6);
            break;
          }
        }
      }
    }
  }

  private static boolean isReady(MockCluster cluster, String name) {
    var studio = cluster.client.resources(StudioDeployment.class).inNamespace(Fixtures.NAMESPACE).withName(name).get();
    return studio != null && studio.getStatus() != null
        && studio.getStatus().condition(Condition.READY).map(Condition::isTrue).orElse(false);
  }
}
