package dev.studio.operator.studio;

import static dev.studio.operator.Fixtures.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.studio.crd.v1alpha1.Condition;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.StudioDeploymentSpec;
import dev.studio.operator.Fixtures;
import dev.studio.operator.MockCluster;
import dev.studio.operator.manifest.ConfigHash;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real operator against the fabric8 mock API server. */
class StudioDeploymentOperatorTest {
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
  void createsEveryChildWithTheEnvContractOwnerReferencesAndLabels() {
    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    var studio = client.resource(Fixtures.studio("acme")).create();

    var api = awaitDeployment("acme-api");
    var worker = awaitDeployment("acme-worker");
    var web = awaitDeployment("acme-web");

    // The env contract: plain settings from the runtime ConfigMap, secrets only by reference.
    var runtime = api.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(runtime.getEnvFrom().get(0).getConfigMapRef().getName()).isEqualTo("acme-runtime");
    Map<String, EnvVar> env = runtime.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(env.get("STUDIO_ROLE").getValue()).isEqualTo("api");
    assertSecretRef(env, "DATABASE_URL", Fixtures.DATABASE_SECRET, "uri");
    assertSecretRef(env, "S3_ACCESS_KEY_ID", Fixtures.S3_SECRET, "access-key-id");
    assertSecretRef(env, "S3_SECRET_ACCESS_KEY", Fixtures.S3_SECRET, "secret-access-key");
    assertSecretRef(env, "LLM_API_KEY", Fixtures.LLM_SECRET, "api-key");
    assertSecretRef(env, "STUDIO_ENCRYPTION_KEY", "acme-generated", "encryption-key");
    assertSecretRef(env, "STUDIO_JWT_SECRET", "acme-generated", "jwt-secret");
    assertSecretRef(env, "STUDIO_ADMIN_TOKEN", "acme-generated", "admin-token");
    assertThat(env.get("POD_NAME").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
    assertThat(env.get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    assertThat(runtime.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8080));
    assertThat(runtime.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
    assertThat(runtime.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
    assertThat(runtime.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(runtime.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(runtime.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(api.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(api.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("acme-api");
    assertThat(api.getSpec().getReplicas()).isEqualTo(2);

    var workerEnv = worker.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(workerEnv.get("STUDIO_ROLE").getValue()).isEqualTo("worker");
    assertThat(workerEnv.get("STUDIO_MAX_CONCURRENT_RUNS").getValue()).isEqualTo("4");
    assertThat(workerEnv.get("STUDIO_LISTEN_QUEUES").getValue()).isEmpty();
    assertThat(worker.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(worker.getSpec().getReplicas()).isEqualTo(3);

    // The runtime ConfigMap holds settings, never a secret value.
    var config = await().atMost(WAIT).until(() -> get(ConfigMap.class, "acme-runtime"), c -> c != null);
    assertThat(config.getData())
        .containsEntry("REDIS_URL", "redis://redis:6379")
        .containsEntry("NATS_URL", "nats://nats:4222")
        .containsEntry("S3_BUCKET", "studio")
        .containsEntry("LLM_PROVIDER", "anthropic")
        .containsEntry("STUDIO_PUBLIC_URL", "https://acme.example.com")
        .containsEntry("SANDBOX_PROVIDER", "kubernetes")
        .doesNotContainKeys("DATABASE_URL", "LLM_API_KEY", "S3_SECRET_ACCESS_KEY");
    assertThat(Serialization.asJson(config)).doesNotContain("s3cr3t");

    // nginx proxies the api routes to the api Service.
    var webConfig = get(ConfigMap.class, "acme-web-config");
    assertThat(webConfig.getData().get("default.conf"))
        .contains("server acme-api.team.svc:8080;")
        .contains("location ~ ^/(api|mcp|oauth-proxy|\\.well-known)(/|$)")
        .contains("proxy_buffering off;");
    assertThat(web.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().get(0).getContainerPort()).isEqualTo(8080);

    // The generated Secret has all three platform keys.
    var generated = await().atMost(WAIT).until(() -> get(Secret.class, "acme-generated"), s -> s != null);
    assertThat(generated.getData()).containsOnlyKeys("encryption-key", "jwt-secret", "admin-token");
    assertThat(decode(generated, "admin-token")).startsWith("sta_");

    assertThat(get(Service.class, "acme-api").getSpec().getPorts().get(0).getPort()).isEqualTo(8080);
    assertThat(get(Service.class, "acme-web").getSpec().getPorts().get(0).getPort()).isEqualTo(80);
    assertThat(get(Service.class, "acme-web").getSpec().getSelector()).containsEntry("app.kubernetes.io/component", "web");
    var role = get(Role.class, "acme-api");
    assertThat(role.getRules().get(0).getResources()).containsExactly("sandboxclaims");
    assertThat(get(RoleBinding.class, "acme-api").getSubjects().get(0).getName()).isEqualTo("acme-api");
    for (String budget : List.of("acme-web", "acme-api", "acme-worker")) {
      assertThat(await().atMost(WAIT).until(() -> get(PodDisruptionBudget.class, budget), b -> b != null)
          .getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    }

    // Every child is owned by the StudioDeployment and labelled as ours.
    List<HasMetadata> children = List.of(api, worker, web, config, webConfig, generated, get(Service.class, "acme-api"),
        get(Service.class, "acme-web"), role, get(RoleBinding.class, "acme-api"), get(PodDisruptionBudget.class, "acme-web"));
    for (HasMetadata child : children) {
      assertThat(child.getMetadata().getOwnerReferences()).as(child.getKind() + " " + child.getMetadata().getName())
          .singleElement()
          .satisfies(owner -> {
            assertThat(owner.getUid()).isEqualTo(studio.getMetadata().getUid());
            assertThat(owner.getKind()).isEqualTo("StudioDeployment");
            assertThat(owner.getController()).isTrue();
          });
      assertThat(child.getMetadata().getLabels()).as(child.getKind() + " " + child.getMetadata().getName())
          .containsEntry("app.kubernetes.io/name", "studio")
          .containsEntry("app.kubernetes.io/instance", "acme")
          .containsEntry("app.kubernetes.io/managed-by", "studio-operator")
          .containsKey("app.kubernetes.io/component");
    }
  }

  @Test
  void turnsReadyWhenItsDeploymentsAreReadyWithTheObservedGeneration() {
    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    client.resource(Fixtures.studio("acme")).create();
    awaitDeployment("acme-api");
    awaitDeployment("acme-worker");
    awaitDeployment("acme-web");

    var notYet = awaitStatus("acme", s -> s.getStatus() != null && s.getStatus().condition(Condition.READY).isPresent());
    assertThat(notYet.getStatus().condition(Condition.READY).orElseThrow().status()).isEqualTo("False");
    assertThat(notYet.getStatus().condition(Condition.PROGRESSING).orElseThrow().status()).isEqualTo("True");

    markAllReady("acme");
    var ready = awaitReady("acme");
    var status = ready.getStatus();
    assertThat(status.observedGeneration()).isEqualTo(ready.getMetadata().getGeneration());
    assertThat(status.condition(Condition.READY).orElseThrow().observedGeneration()).isEqualTo(ready.getMetadata().getGeneration());
    assertThat(status.condition(Condition.PROGRESSING).orElseThrow().status()).isEqualTo("False");
    assertThat(status.condition(Condition.DEGRADED).orElseThrow().status()).isEqualTo("False");
    assertThat(status.api().readyReplicas()).isEqualTo(2);
    assertThat(status.worker().readyReplicas()).isEqualTo(3);
    assertThat(status.web().readyReplicas()).isEqualTo(2);
    assertThat(status.url()).isEqualTo("https://acme.example.com");
    assertThat(events("acme")).extracting(Event::getReason).contains("Ready");
  }

  @Test
  void aSpecChangeRollsExactlyTheDeploymentsItAffects() {
    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    client.resource(Fixtures.studio("acme")).create();
    markAllReady("acme");
    awaitReady("acme");

    // Worker capacity is the worker's alone.
    var before = templates();
    edit("acme", spec -> new StudioDeploymentSpec(spec.image(), spec.version(), spec.imagePullPolicy(), spec.imagePullSecrets(),
        spec.publicUrl(), spec.web(), spec.api(),
        new StudioDeploymentSpec.Worker(spec.worker().replicas(), spec.worker().resources(), spec.worker().listenQueues(), 9),
        spec.database(), spec.redis(), spec.nats(), spec.objectStore(), spec.model(), spec.secrets(), spec.gateway(), spec.sandbox(),
        spec.shutdownGraceSeconds()));
    assertRolled(before, "acme-worker");

    // The model is configuration api and workers share: both roll, the web tier does not.
    before = templates();
    edit("acme", spec -> new StudioDeploymentSpec(spec.image(), spec.version(), spec.imagePullPolicy(), spec.imagePullSecrets(),
        spec.publicUrl(), spec.web(), spec.api(), spec.worker(), spec.database(), spec.redis(), spec.nats(), spec.objectStore(),
        new StudioDeploymentSpec.Model(StudioDeploymentSpec.ModelProvider.anthropic, "claude-opus-4-1", spec.model().apiKeySecretRef(), null),
        spec.secrets(), spec.gateway(), spec.sandbox(), spec.shutdownGraceSeconds()));
    assertRolled(before, "acme-api", "acme-worker");
    assertThat(deployment("acme-api").getSpec().getTemplate().getMetadata().getAnnotations().get(ConfigHash.ANNOTATION))
        .isEqualTo(ConfigHash.of(get(ConfigMap.class, "acme-runtime").getData()));

    // The nginx image is the web tier's alone.
    before = templates();
    edit("acme", spec -> new StudioDeploymentSpec(spec.image(), spec.version(), spec.imagePullPolicy(), spec.imagePullSecrets(),
        spec.publicUrl(), new StudioDeploymentSpec.Web(spec.web().replicas(), "nginxinc/nginx-unprivileged:1.28-alpine", spec.web().resources()),
        spec.api(), spec.worker(), spec.database(), spec.redis(), spec.nats(), spec.objectStore(), spec.model(),
        spec.secrets(), spec.gateway(), spec.sandbox(), spec.shutdownGraceSeconds()));
    assertRolled(before, "acme-web");

    // Scaling is not a rollout: replicas change, no pod template does.
    before = templates();
    edit("acme", spec -> new StudioDeploymentSpec(spec.image(), spec.version(), spec.imagePullPolicy(), spec.imagePullSecrets(),
        spec.publicUrl(), spec.web(), spec.api(),
        new StudioDeploymentSpec.Worker(7, spec.worker().resources(), spec.worker().listenQueues(), spec.worker().maxConcurrentRuns()),
        spec.database(), spec.redis(), spec.nats(), spec.objectStore(), spec.model(), spec.secrets(), spec.gateway(), spec.sandbox(),
        spec.shutdownGraceSeconds()));
    await().atMost(WAIT).until(() -> deployment("acme-worker").getSpec().getReplicas() == 7);
    assertThat(templates()).isEqualTo(before);
  }

  @Test
  void aMissingSecretIsReportedRetriedWithBackoffAndThenPickedUp() throws Exception {
    client.resource(Fixtures.secret(Fixtures.S3_SECRET, Map.of("access-key-id", "a", "secret-access-key", "b"))).create();
    client.resource(Fixtures.secret(Fixtures.LLM_SECRET, Map.of("api-key", "k"))).create();
    client.resource(Fixtures.studio("acme")).create();

    var blocked = awaitStatus("acme", s -> s.getStatus() != null && s.getStatus().condition(Condition.READY).isPresent());
    var ready = blocked.getStatus().condition(Condition.READY).orElseThrow();
    assertThat(ready.status()).isEqualTo("False");
    assertThat(ready.reason()).isEqualTo("SecretNotFound");
    assertThat(ready.message()).contains("studio-postgres").contains("spec.database.urlSecretRef");
    assertThat(blocked.getStatus().condition(Condition.DEGRADED).orElseThrow().status()).isEqualTo("True");
    await().atMost(WAIT).until(() -> events("acme").stream().anyMatch(e -> "SecretNotFound".equals(e.getReason())));
    assertThat(client.apps().deployments().inNamespace(NAMESPACE).list().getItems()).isEmpty();

    // No reconcile storm: over 9 s the backoff (5 s, then growing) allows a few looks, not dozens,
    // and the unchanged status is not rewritten, nor the Event repeated.
    cluster.drainRequests();
    Thread.sleep(9_000);
    var requests = cluster.drainRequests();
    long secretLookups = requests.stream().filter(r -> r.getPath().contains("/secrets/studio-postgres")).count();
    assertThat(secretLookups).isBetween(1L, 3L);
    assertThat(MockCluster.writes(requests)).isEmpty();
    assertThat(events("acme").stream().filter(e -> "SecretNotFound".equals(e.getReason()))).hasSize(1);

    // The Secret shows up: the next look finds it and the platform rolls out.
    client.resource(Fixtures.secret(Fixtures.DATABASE_SECRET, Map.of("uri", Fixtures.DATABASE_URL))).create();
    awaitDeployment("acme-api");
    markAllReady("acme");
    awaitReady("acme");
  }

  @Test
  void aSecretWithoutTheReferencedKeyIsNamed() {
    client.resource(Fixtures.secret(Fixtures.DATABASE_SECRET, Map.of("url", "postgres://x"))).create();
    client.resource(Fixtures.secret(Fixtures.S3_SECRET, Map.of("access-key-id", "a", "secret-access-key", "b"))).create();
    client.resource(Fixtures.secret(Fixtures.LLM_SECRET, Map.of("api-key", "k"))).create();
    client.resource(Fixtures.studio("acme")).create();
    var blocked = awaitStatus("acme", s -> s.getStatus() != null && s.getStatus().condition(Condition.READY).isPresent());
    assertThat(blocked.getStatus().condition(Condition.READY).orElseThrow().message())
        .isEqualTo("Secret studio-postgres has no key uri (spec.database.urlSecretRef)");
  }

  @Test
  void handEditsOfChildrenAreReverted() {
    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    client.resource(Fixtures.studio("acme")).create();
    markAllReady("acme");
    awaitReady("acme");
    String image = deployment("acme-api").getSpec().getTemplate().getSpec().getContainers().get(0).getImage();

    cluster.edit(Deployment.class, NAMESPACE, "acme-api", d -> {
      d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("evil/miner:latest");
      d.getSpec().setReplicas(9);
      return d;
    });
    await().atMost(WAIT).untilAsserted(() -> {
      var api = deployment("acme-api");
      assertThat(api.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo(image);
      assertThat(api.getSpec().getReplicas()).isEqualTo(2);
    });

    cluster.edit(ConfigMap.class, NAMESPACE, "acme-runtime", c -> {
      c.getData().put("LLM_PROVIDER", "dev");
      return c;
    });
    await().atMost(WAIT).until(() -> "anthropic".equals(get(ConfigMap.class, "acme-runtime").getData().get("LLM_PROVIDER")));

    client.services().inNamespace(NAMESPACE).withName("acme-api").delete();
    await().atMost(WAIT).until(() -> get(Service.class, "acme-api") != null);
  }

  @Test
  void theGeneratedSecretIsStableAndNeverOverwritesWhatIsThere() {
    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    client.resource(Fixtures.studio("acme")).create();
    var first = await().atMost(WAIT).until(() -> get(Secret.class, "acme-generated"), s -> s != null);

    // A user-set value stays; a key removed by hand comes back; the others keep their values.
    cluster.edit(Secret.class, NAMESPACE, "acme-generated", s -> {
      s.getData().put("admin-token", Base64.getEncoder().encodeToString("sta_mine".getBytes()));
      s.getData().remove("jwt-secret");
      return s;
    });
    await().atMost(WAIT).until(() -> get(Secret.class, "acme-generated").getData().containsKey("jwt-secret"));
    var after = get(Secret.class, "acme-generated");
    assertThat(decode(after, "admin-token")).isEqualTo("sta_mine");
    assertThat(after.getData().get("encryption-key")).isEqualTo(first.getData().get("encryption-key"));

    // A key the user supplies is read from the user's Secret.
    client.resource(Fixtures.secret("my-keys", Map.of("vault-key", "k"))).create();
    edit("acme", spec -> Fixtures.withSecrets(spec, new dev.studio.crd.v1alpha1.SecretKeyRef("my-keys", "vault-key")));
    await().atMost(WAIT).untilAsserted(() -> {
      var env = deployment("acme-api").getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
          .collect(Collectors.toMap(EnvVar::getName, e -> e));
      assertSecretRef(env, "STUDIO_ENCRYPTION_KEY", "my-keys", "vault-key");
    });
  }

  @Test
  void deletingItLeavesNothingBehind() {
    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    client.resource(Fixtures.studio("acme")).create();
    markAllReady("acme");
    awaitReady("acme");

    client.resources(StudioDeployment.class).inNamespace(NAMESPACE).withName("acme").delete();
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(client.apps().deployments().inNamespace(NAMESPACE).list().getItems()).isEmpty();
      assertThat(client.services().inNamespace(NAMESPACE).list().getItems()).isEmpty();
      assertThat(client.configMaps().inNamespace(NAMESPACE).list().getItems()).isEmpty();
      assertThat(client.rbac().roles().inNamespace(NAMESPACE).list().getItems()).isEmpty();
      assertThat(client.rbac().roleBindings().inNamespace(NAMESPACE).list().getItems()).isEmpty();
      assertThat(client.serviceAccounts().inNamespace(NAMESPACE).list().getItems()).isEmpty();
      assertThat(client.policy().v1().podDisruptionBudget().inNamespace(NAMESPACE).list().getItems()).isEmpty();
      // Only the user's own Secrets remain.
      assertThat(client.secrets().inNamespace(NAMESPACE).list().getItems()).extracting(s -> s.getMetadata().getName())
          .containsExactlyInAnyOrder(Fixtures.DATABASE_SECRET, Fixtures.S3_SECRET, Fixtures.LLM_SECRET);
    });
  }

  @Test
  void aSteadyStateWritesNothing() throws Exception {
    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    client.resource(Fixtures.studio("acme")).create();
    markAllReady("acme");
    awaitReady("acme");
    Thread.sleep(1_000);
    cluster.drainRequests();

    // Something outside touches a child in a way that changes nothing the operator owns: it
    // reconciles, finds every child as desired, and writes nothing.
    cluster.edit(Deployment.class, NAMESPACE, "acme-web", d -> {
      d.getMetadata().getLabels().put("team", "platform");
      return d;
    });
    Thread.sleep(3_000);
    var writes = MockCluster.writes(cluster.drainRequests());
    assertThat(writes).containsExactly("PATCH /apis/apps/v1/namespaces/team/deployments/acme-web");
  }

  @Test
  void withTheGatewayApiInstalledAFrontDoorRouteIsCreated() {
    cluster.close();
    cluster = MockCluster.withGatewayApi();
    client = cluster.client;
    cluster.startOperator();
    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    client.resource(withGateway(Fixtures.studio("acme"))).create();
    var route = await().atMost(WAIT).until(
        () -> client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class).inNamespace(NAMESPACE).withName("acme").get(),
        r -> r != null);
    assertThat(route.getSpec().getHostnames()).containsExactly("acme.example.com");
    assertThat(route.getSpec().getParentRefs().get(0).getName()).isEqualTo("public");
    assertThat(route.getSpec().getRules().get(0).getBackendRefs().get(0).getName()).isEqualTo("acme-web");
    assertThat(route.getSpec().getRules().get(0).getBackendRefs().get(0).getPort()).isEqualTo(80);
    markAllReady("acme");
    var ready = awaitReady("acme");
    assertThat(ready.getStatus().condition("FrontDoorRoute").orElseThrow().status()).isEqualTo("True");
  }

  @Test
  void withoutTheGatewayApiAConditionSaysWhyThereIsNoRoute() {
    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    client.resource(withGateway(Fixtures.studio("acme"))).create();
    markAllReady("acme");
    var ready = awaitReady("acme");
    var frontDoor = ready.getStatus().condition("FrontDoorRoute").orElseThrow();
    assertThat(frontDoor.status()).isEqualTo("False");
    assertThat(frontDoor.reason()).isEqualTo("GatewayAPINotInstalled");
    assertThat(frontDoor.message()).contains("httproutes.gateway.networking.k8s.io").contains("acme-web");
  }

  @Test
  void replicasElectALeaderThroughALease() {
    cluster.close();
    cluster = MockCluster.start();
    client = cluster.client;
    var base = MockCluster.operatorConfig();
    cluster.startOperator(new dev.studio.operator.OperatorConfig(base.watchNamespaces(), true, "studio-operator-lock", "studio-system",
        "replica-a", 0, base.images(), 2, base.autoscaling()));
    var lease = await().atMost(WAIT).until(
        () -> client.leases().inNamespace("studio-system").withName("studio-operator-lock").get(), l -> l != null);
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("replica-a");
    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    client.resource(Fixtures.studio("acme")).create();
    awaitDeployment("acme-api");
  }

  private static StudioDeployment withGateway(StudioDeployment studio) {
    var spec = studio.getSpec();
    studio.setSpec(new StudioDeploymentSpec(spec.image(), spec.version(), spec.imagePullPolicy(), spec.imagePullSecrets(),
        spec.publicUrl(), spec.web(), spec.api(), spec.worker(), spec.database(), spec.redis(), spec.nats(), spec.objectStore(),
        spec.model(), spec.secrets(), new StudioDeploymentSpec.Gateway(new StudioDeploymentSpec.ParentRef("public", null, null)),
        spec.sandbox(), spec.shutdownGraceSeconds()));
    return studio;
  }

  // --- helpers ---

  private void markAllReady(String name) {
    for (String tier : List.of("web", "api", "worker")) {
      awaitDeployment(name + "-" + tier);
      cluster.markReady(NAMESPACE, name + "-" + tier);
    }
  }

  private StudioDeployment awaitReady(String name) {
    return awaitStatus(name, s -> s.getStatus() != null
        && s.getStatus().condition(Condition.READY).map(Condition::isTrue).orElse(false)
        && s.getStatus().observedGeneration() != null
        && s.getStatus().observedGeneration().equals(s.getMetadata().getGeneration()));
  }

  private StudioDeployment awaitStatus(String name, java.util.function.Predicate<StudioDeployment> test) {
    return await().atMost(WAIT).until(() -> client.resources(StudioDeployment.class).inNamespace(NAMESPACE).withName(name).get(),
        s -> s != null && test.test(s));
  }

  private Deployment awaitDeployment(String name) {
    return await().atMost(WAIT).until(() -> deployment(name), d -> d != null);
  }

  private Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
  }

  private <T extends HasMetadata> T get(Class<T> type, String name) {
    return client.resources(type).inNamespace(NAMESPACE).withName(name).get();
  }

  private void edit(String name, UnaryOperator<StudioDeploymentSpec> change) {
    cluster.edit(StudioDeployment.class, NAMESPACE, name, s -> {
      s.setSpec(change.apply(s.getSpec()));
      return s;
    });
  }

  private Map<String, String> templates() {
    return client.apps().deployments().inNamespace(NAMESPACE).list().getItems().stream()
        .collect(Collectors.toMap(d -> d.getMetadata().getName(), d -> Serialization.asJson(d.getSpec().getTemplate())));
  }

  /** Waits for exactly {@code rolled} to get a new pod template; the others must keep theirs. */
  private void assertRolled(Map<String, String> before, String... rolled) {
    var expected = List.of(rolled);
    await().atMost(WAIT).untilAsserted(() -> {
      var now = templates();
      for (String name : before.keySet()) {
        if (expected.contains(name)) {
          assertThat(now.get(name)).as(name + " rolled").isNotEqualTo(before.get(name));
        }
      }
    });
    var now = templates();
    for (String name : before.keySet()) {
      if (!expected.contains(name)) {
        assertThat(now.get(name)).as(name + " untouched").isEqualTo(before.get(name));
      }
    }
  }

  private List<Event> events(String name) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  private static void assertSecretRef(Map<String, EnvVar> env, String name, String secret, String key) {
    var ref = env.get(name).getValueFrom().getSecretKeyRef();
    assertThat(ref.getName()).as(name).isEqualTo(secret);
    assertThat(ref.getKey()).as(name).isEqualTo(key);
    assertThat(env.get(name).getValue()).as(name + " carries no value").isNull();
  }

  private static String decode(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)));
  }

  @SuppressWarnings("unused")
  private static OwnerReference owner(HasMetadata resource) {
    return resource.getMetadata().getOwnerReferences().get(0);
  }
}
