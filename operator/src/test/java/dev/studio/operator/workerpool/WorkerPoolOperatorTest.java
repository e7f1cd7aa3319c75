package dev.studio.operator.workerpool;

import static dev.studio.operator.Fixtures.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.studio.crd.v1alpha1.Condition;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.StudioDeploymentSpec;
import dev.studio.crd.v1alpha1.WorkerPool;
import dev.studio.crd.v1alpha1.WorkerPoolSpec;
import dev.studio.operator.Fixtures;
import dev.studio.operator.MockCluster;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real operator reconciling WorkerPools on the fabric8 mock API server. */
class WorkerPoolOperatorTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  MockCluster cluster;
  KubernetesClient client;

  @BeforeEach
  void start() {
    cluster = MockCluster.start();
    client = cluster.client;
    cluster.startOperator();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void aPoolGetsWorkersForItsQueuesWithTheStudiosEnvironment() {
    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    client.resource(Fixtures.studio("acme")).create();
    var pool = client.resource(Fixtures.pool("paid", "acme", List.of("paid", "privileged"))).create();

    var deployment = awaitDeployment("paid-pool");
    Map<String, EnvVar> env = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(env.get("STUDIO_ROLE").getValue()).isEqualTo("worker");
    assertThat(env.get("STUDIO_LISTEN_QUEUES").getValue()).isEqualTo("paid,privileged");
    assertThat(env.get("STUDIO_MAX_CONCURRENT_RUNS").getValue()).isEqualTo("8");
    assertThat(env.get("DATABASE_URL").getValueFrom().getSecretKeyRef().getName()).isEqualTo(Fixtures.DATABASE_SECRET);
    assertThat(env.get("STUDIO_ADMIN_TOKEN").getValueFrom().getSecretKeyRef().getName()).isEqualTo("acme-generated");
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnvFrom().get(0).getConfigMapRef().getName())
        .isEqualTo("acme-runtime");
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getKind()).isEqualTo("WorkerPool");
      assertThat(o.getUid()).isEqualTo(pool.getMetadata().getUid());
    });
    // The pool's pods are its own: the studio's workers' selector does not match them.
    assertThat(deployment.getSpec().getSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/component", "workerpool")
        .containsEntry("studio.dev/workerpool", "paid");

    cluster.markReady(NAMESPACE, "paid-pool");
    var ready = awaitPool("paid", p -> isReady(p));
    assertThat(ready.getStatus().replicas()).isEqualTo(2);
    assertThat(ready.getStatus().readyReplicas()).isEqualTo(2);
    assertThat(ready.getStatus().selector()).isEqualTo(
        "app.kubernetes.io/name=studio,app.kubernetes.io/instance=acme,app.kubernetes.io/component=workerpool,studio.dev/workerpool=paid");
    assertThat(ready.getStatus().observedGeneration()).isEqualTo(ready.getMetadata().getGeneration());
  }

  @Test
  void replicasFollowTheSpecAsTheScaleSubresourceWritesIt() {
    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    client.resource(Fixtures.studio("acme")).create();
    client.resource(Fixtures.pool("paid", "acme", List.of("paid"))).create();
    awaitDeployment("paid-pool");

    // `kubectl scale wp/paid --replicas=5` (or an HPA) goes through the scale subresource, which the
    // CRD maps to spec.replicas (SchemaTest checks the mapping). The mock server has no /scale
    // endpoint, so the test writes spec.replicas as the API server would.
    cluster.edit(WorkerPool.class, NAMESPACE, "paid", p -> {
      p.setSpec(new WorkerPoolSpec(p.getSpec().studioRef(), p.getSpec().queues(), 5, null, null, null));
      return p;
    });
    await().atMost(WAIT).until(() -> awaitDeployment("paid-pool").getSpec().getReplicas() == 5);
    cluster.markReady(NAMESPACE, "paid-pool");
    var pool = awaitPool("paid", p -> isReady(p) && p.getStatus().replicas() == 5);
    assertThat(pool.getStatus().readyReplicas()).isEqualTo(5);
  }

  @Test
  void aMissingStudioIsNamedAndThePoolFollowsOnceItExists() {
    client.resource(Fixtures.pool("paid", "acme", List.of("paid"))).create();
    var blocked = awaitPool("paid", p -> p.getStatus() != null && p.getStatus().condition(Condition.READY).isPresent());
    var ready = blocked.getStatus().condition(Condition.READY).orElseThrow();
    assertThat(ready.status()).isEqualTo("False");
    assertThat(ready.reason()).isEqualTo("StudioNotFound");
    assertThat(ready.message()).isEqualTo("StudioDeployment acme (spec.studioRef) does not exist in namespace team");
    await().atMost(WAIT).until(() -> events("paid").stream().anyMatch(e -> "StudioNotFound".equals(e.getReason())));

    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    client.resource(Fixtures.studio("acme")).create();
    awaitDeployment("paid-pool");
    cluster.markReady(NAMESPACE, "paid-pool");
    awaitPool("paid", WorkerPoolOperatorTest::isReady);
  }

  @Test
  void aStudioChangeRollsItsPoolsAndHandEditsAreReverted() {
    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    client.resource(Fixtures.studio("acme")).create();
    client.resource(Fixtures.pool("paid", "acme", List.of("paid"))).create();
    String before = awaitDeployment("paid-pool").getSpec().getTemplate().getSpec().getContainers().get(0).getImage();

    cluster.edit(StudioDeployment.class, NAMESPACE, "acme", s -> {
      var spec = s.getSpec();
      s.setSpec(new StudioDeploymentSpec(spec.image(), "0.2.0", spec.imagePullPolicy(), spec.imagePullSecrets(), spec.publicUrl(),
          spec.web(), spec.api(), spec.worker(), spec.database(), spec.redis(), spec.nats(), spec.objectStore(), spec.model(),
          spec.secrets(), spec.gateway(), spec.sandbox(), spec.shutdownGraceSeconds()));
      return s;
    });
    await().atMost(WAIT).until(() -> awaitDeployment("paid-pool").getSpec().getTemplate().getSpec().getContainers().get(0).getImage()
        .endsWith(":0.2.0"));
    assertThat(before).endsWith(":0.1.0-test");

    cluster.edit(Deployment.class, NAMESPACE, "paid-pool", d -> {
      d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().removeIf(e -> e.getName().equals("STUDIO_LISTEN_QUEUES"));
      return d;
    });
    await().atMost(WAIT).until(() -> awaitDeployment("paid-pool").getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
        .stream().anyMatch(e -> e.getName().equals("STUDIO_LISTEN_QUEUES") && "paid".equals(e.getValue())));
  }

  @Test
  void deletingAPoolRemovesItsWorkersOnly() {
    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    client.resource(Fixtures.studio("acme")).create();
    client.resource(Fixtures.pool("paid", "acme", List.of("paid"))).create();
    awaitDeployment("paid-pool");
    awaitDeployment("acme-worker");

    client.resources(WorkerPool.class).inNamespace(NAMESPACE).withName("paid").delete();
    await().atMost(WAIT).until(() -> client.apps().deployments().inNamespace(NAMESPACE).withName("paid-pool").get() == null);
    assertThat(client.apps().deployments().inNamespace(NAMESPACE).withName("acme-worker").get()).isNotNull();
  }

  private static boolean isReady(WorkerPool pool) {
    return pool.getStatus() != null
        && pool.getStatus().condition(Condition.READY).map(Condition::isTrue).orElse(false)
        && pool.getMetadata().getGeneration().equals(pool.getStatus().observedGeneration());
  }

  private WorkerPool awaitPool(String name, Predicate<WorkerPool> test) {
    return await().atMost(WAIT).until(() -> client.resources(WorkerPool.class).inNamespace(NAMESPACE).withName(name).get(),
        p -> p != null && test.test(p));
  }

  private Deployment awaitDeployment(String name) {
    return await().atMost(WAIT).until(() -> client.apps().deployments().inNamespace(NAMESPACE).withName(name).get(), d -> d != null);
  }

  private List<Event> events(String name) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }
}
