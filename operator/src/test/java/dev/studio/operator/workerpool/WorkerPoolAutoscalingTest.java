package dev.studio.operator.workerpool;

import static dev.studio.operator.Fixtures.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.studio.crd.v1alpha1.Condition;
import dev.studio.crd.v1alpha1.WorkerPool;
import dev.studio.crd.v1alpha1.WorkerPoolSpec;
import dev.studio.operator.Fixtures;
import dev.studio.operator.MockCluster;
import dev.studio.operator.OperatorConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A WorkerPool with autoscaling follows the depth of its queues as the platform's api reports it
 * ({@code GET /api/internal/queues}, here a local HTTP server speaking that contract).
 */
class WorkerPoolAutoscalingTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  MockCluster cluster;
  HttpServer api;
  final AtomicLong paidQueued = new AtomicLong();
  final AtomicReference<String> authorization = new AtomicReference<>();

  @BeforeEach
  void start() throws Exception {
    api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    api.createContext("/api/internal/queues", exchange -> {
      authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
      String body = """
          {"lanes": {"paid": {"queued": %d, "running": 0}, "privileged": {"queued": 3, "running": 1},
                     "registered": {"queued": 500, "running": 0}, "anonymous": {"queued": 0, "running": 0}},
           "workers": []}""".formatted(paidQueued.get());
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    api.start();
    cluster = MockCluster.start();
    var base = MockCluster.operatorConfig();
    cluster.startOperator(new OperatorConfig(base.watchNamespaces(), false, base.leaseName(), null, "autoscaling-test", 0,
        base.images(), 2, new OperatorConfig.Autoscaling("http://127.0.0.1:" + api.getAddress().getPort(),
            Duration.ofMillis(500), Duration.ofSeconds(2))));
  }

  @AfterEach
  void stop() {
    cluster.close();
    api.stop(0);
  }

  @Test
  void replicasFollowTheDepthOfThePoolsQueuesOnly() {
    var client = cluster.client;
    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    client.resource(Fixtures.studio("acme")).create();
    var pool = Fixtures.pool("paid", "acme", List.of("paid", "privileged"));
    pool.setSpec(new WorkerPoolSpec(pool.getSpec().studioRef(), pool.getSpec().queues(), 1, null, null,
        new WorkerPoolSpec.Autoscaling(1, 6, 10)));
    client.resource(pool).create();

    // 3 + 1 runs on its queues (the 500 on another queue are not its business): one pod.
    await().atMost(WAIT).until(() -> replicas() == 1);
    paidQueued.set(36); // 36 + 3 + 1 = 40 runs: 4 pods, at once
    await().atMost(WAIT).until(() -> replicas() == 4);
    var status = await().atMost(WAIT).until(() -> client.resources(WorkerPool.class).inNamespace(NAMESPACE).withName("paid").get(),
        p -> p.getStatus() != null && p.getStatus().queueDepth() != null && p.getStatus().queueDepth() == 39);
    assertThat(status.getStatus().condition(WorkerPoolReconciler.AUTOSCALING).map(Condition::status)).contains("True");
    paidQueued.set(500); // capped at max
    await().atMost(WAIT).until(() -> replicas() == 6);
    paidQueued.set(0); // back to one, after the need stayed low for the stabilisation time
    long low = System.nanoTime();
    await().atMost(WAIT).until(() -> replicas() == 1);
    assertThat(Duration.ofNanos(System.nanoTime() - low)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));

    String token = new String(Base64.getDecoder().decode(
        client.secrets().inNamespace(NAMESPACE).withName("acme-generated").get().getData().get("admin-token")), StandardCharsets.UTF_8);
    assertThat(authorization.get()).isEqualTo("Bearer " + token);
  }

  @Test
  void withoutQueueDepthThePoolKeepsItsSizeAndSaysWhy() {
    api.stop(0);
    var client = cluster.client;
    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    client.resource(Fixtures.studio("acme")).create();
    var pool = Fixtures.pool("paid", "acme", List.of("paid"));
    pool.setSpec(new WorkerPoolSpec(pool.getSpec().studioRef(), pool.getSpec().queues(), 3, null, null,
        new WorkerPoolSpec.Autoscaling(1, 6, 10)));
    client.resource(pool).create();
    var blocked = await().atMost(WAIT).until(() -> client.resources(WorkerPool.class).inNamespace(NAMESPACE).withName("paid").get(),
        p -> p.getStatus() != null && p.getStatus().condition(WorkerPoolReconciler.AUTOSCALING).isPresent());
    assertThat(blocked.getStatus().condition(WorkerPoolReconciler.AUTOSCALING).orElseThrow().reason()).isEqualTo("QueueDepthUnavailable");
    assertThat(replicas()).isEqualTo(3);
  }

  private int replicas() {
    var deployment = cluster.client.apps().deployments().inNamespace(NAMESPACE).withName("paid-pool").get();
    return deployment == null ? -1 : deployment.getSpec().getReplicas();
  }
}
