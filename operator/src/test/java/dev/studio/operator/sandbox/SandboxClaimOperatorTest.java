package dev.studio.operator.sandbox;

import static dev.studio.operator.Fixtures.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.studio.crd.v1alpha1.Condition;
import dev.studio.crd.v1alpha1.SandboxClaim;
import dev.studio.crd.v1alpha1.SandboxClaimStatus.LaunchType;
import dev.studio.crd.v1alpha1.SandboxClaimStatus.Phase;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.StudioDeploymentStatus;
import dev.studio.operator.Fixtures;
import dev.studio.operator.MockCluster;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real operator reconciling SandboxClaims on the fabric8 mock API server. */
class SandboxClaimOperatorTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  MockCluster cluster;
  KubernetesClient client;

  void start(boolean gatewayApi, int warm) {
    cluster = gatewayApi ? MockCluster.withGatewayApi() : MockCluster.start();
    client = cluster.client;
    cluster.startOperator();
    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    client.resource(SandboxFixtures.studio("acme", SandboxFixtures.template(warm))).create();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void aClaimGetsItsSecretPodServiceRouteAndPolicyAndIsReadyWithItsPreviewUrl() {
    start(true, 0);
    var created = client.resource(SandboxFixtures.claim("ada-website", "acme")).create();

    var binding = awaitClaim("ada-website", c -> c.getStatus() != null && c.getStatus().podName() != null);
    String handle = binding.getStatus().handle();
    assertThat(handle).matches("^[a-z2-7]{16}$");
    assertThat(binding.getStatus().phase()).isEqualTo(Phase.Binding);
    assertThat(binding.getStatus().launchType()).isEqualTo(LaunchType.Cold);
    assertThat(binding.getStatus().podName()).isEqualTo("sbx-" + handle);
    assertThat(binding.getStatus().daemonService()).isEqualTo("sbx-" + handle);
    assertThat(binding.getStatus().tokenSecretName()).isEqualTo("sbx-" + handle + "-token");

    Pod pod = client.pods().inNamespace(NAMESPACE).withName("sbx-" + handle).get();
    assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid()));
    EnvVar token = pod.getSpec().getContainers().get(0).getEnv().stream().filter(e -> e.getName().equals("DAEMON_TOKEN")).findFirst().orElseThrow();
    assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("sbx-" + handle + "-token");
    Secret secret = await().atMost(WAIT).until(() -> client.secrets().inNamespace(NAMESPACE).withName("sbx-" + handle + "-token").get(), s -> s != null);
    String tokenValue = new String(Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8);
    assertThat(tokenValue).startsWith("sbt_");

    Service service = await().atMost(WAIT).until(() -> client.services().inNamespace(NAMESPACE).withName("sbx-" + handle).get(), s -> s != null);
    assertThat(service.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(9000, 9001);
    assertThat(service.getSpec().getSelector()).containsEntry(SandboxNames.HANDLE, handle);
    assertThat(pod.getMetadata().getLabels()).containsEntry(SandboxNames.HANDLE, handle);
    HTTPRoute route = await().atMost(WAIT).until(() -> client.resources(HTTPRoute.class).inNamespace(NAMESPACE).withName("sbx-" + handle).get(), r -> r != null);
    assertThat(route.getSpec().getHostnames()).containsExactly(handle + ".preview.preview.test");
    assertThat(route.getSpec().getRules().get(0).getBackendRefs()).singleElement().satisfies(b -> assertThat(b.getPort()).isEqualTo(9001));
    NetworkPolicy policy = await().atMost(WAIT).until(() -> client.network().v1().networkPolicies().inNamespace(NAMESPACE).withName("sbx-" + handle).get(), p -> p != null);
    assertThat(policy.getSpec().getPodSelector().getMatchLabels()).containsEntry(SandboxNames.HANDLE, handle);

    cluster.markPodReady(NAMESPACE, "sbx-" + handle);
    var ready = awaitClaim("ada-website", c -> c.getStatus().phase() == Phase.Ready);
    var readyCondition = ready.getStatus().condition(Condition.READY).orElseThrow();
    assertThat(readyCondition.status()).isEqualTo("True");
    assertThat(readyCondition.reason()).isEqualTo("PodReady");
    assertThat(ready.getStatus().condition(SandboxClaimReconciler.PREVIEW_ROUTE).orElseThrow().isTrue()).isTrue();
    assertThat(ready.getStatus().previewUrl()).isEqualTo("https://" + handle + ".preview.preview.test");
    assertThat(ready.getStatus().observedGeneration()).isEqualTo(ready.getMetadata().getGeneration());
    assertThat(ready.getStatus().handle()).isEqualTo(handle);

    // The token is in its Secret and nowhere else: not in status, not in Events.
    assertThat(Serialization.asJson(ready)).doesNotContain(tokenValue).doesNotContain(secret.getData().get("token"));
    await().atMost(WAIT).until(() -> events("ada-website").stream().anyMatch(e -> "Ready".equals(e.getReason())));
    assertThat(events("ada-website")).allSatisfy(e -> assertThat(Serialization.asJson(e)).doesNotContain(tokenValue));
    // The token is made once: later reconciles keep it.
    assertThat(client.secrets().inNamespace(NAMESPACE).withName("sbx-" + handle + "-token").get().getData()).isEqualTo(secret.getData());
  }

  @Test
  void handEditsOfAClaimsServiceAndNetworkPolicyArePutBack() {
    start(false, 0);
    client.resource(SandboxFixtures.claim("ada-website", "acme")).create();
    String handle = awaitClaim("ada-website", c -> c.getStatus() != null && c.getStatus().handle() != null).getStatus().handle();
    String name = "sbx-" + handle;
    var policies = client.network().v1().networkPolicies().inNamespace(NAMESPACE);
    var original = await().atMost(WAIT).until(() -> policies.withName(name).get(), p -> p != null).getSpec();
    await().atMost(WAIT).until(() -> client.services().inNamespace(NAMESPACE).withName(name).get() != null);

    // Someone opens the sandbox up: all egress allowed, and the Service pointed elsewhere.
    cluster.edit(NetworkPolicy.class, NAMESPACE, name, p -> {
      p.getSpec().setEgress(List.of(new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule()));
      return p;
    });
    cluster.edit(Service.class, NAMESPACE, name, s -> {
      s.getSpec().setSelector(Map.of("app", "something-else"));
      return s;
    });
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(policies.withName(name).get().getSpec()).isEqualTo(original);
      assertThat(client.services().inNamespace(NAMESPACE).withName(name).get().getSpec().getSelector())
          .isEqualTo(Map.of(SandboxNames.HANDLE, handle));
    });
  }

  @Test
  void withoutTheGatewayApiAConditionSaysWhyThereIsNoPreviewUrl() {
    start(false, 0);
    client.resource(SandboxFixtures.claim("ada-website", "acme")).create();
    var bound = awaitClaim("ada-website", c -> c.getStatus() != null && c.getStatus().podName() != null);
    cluster.markPodReady(NAMESPACE, bound.getStatus().podName());
    var ready = awaitClaim("ada-website", c -> c.getStatus().phase() == Phase.Ready);
    var route = ready.getStatus().condition(SandboxClaimReconciler.PREVIEW_ROUTE).orElseThrow();
    assertThat(route.status()).isEqualTo("False");
    assertThat(route.reason()).isEqualTo("GatewayAPINotInstalled");
    assertThat(ready.getStatus().previewUrl()).isNull();
  }

  @Test
  void aClaimForAMissingStudioSaysSo() {
    cluster = MockCluster.start();
    client = cluster.client;
    cluster.startOperator();
    client.resource(SandboxFixtures.claim("ada-website", "nope")).create();
    var pending = awaitClaim("ada-website", c -> c.getStatus() != null && c.getStatus().condition(Condition.READY).isPresent());
    assertThat(pending.getStatus().phase()).isEqualTo(Phase.Pending);
    assertThat(pending.getStatus().condition(Condition.READY).orElseThrow().reason()).isEqualTo("StudioNotFound");
    assertThat(client.pods().inNamespace(NAMESPACE).list().getItems()).isEmpty();
  }

  @Test
  void deletingAClaimLeavesNothingBehind() {
    start(true, 0);
    client.resource(SandboxFixtures.claim("ada-website", "acme")).create();
    var bound = awaitClaim("ada-website", c -> c.getStatus() != null && c.getStatus().podName() != null);
    String name = "sbx-" + bound.getStatus().handle();
    await().atMost(WAIT).until(() -> client.network().v1().networkPolicies().inNamespace(NAMESPACE).withName(name).get() != null
        && client.resources(HTTPRoute.class).inNamespace(NAMESPACE).withName(name).get() != null);

    client.resources(SandboxClaim.class).inNamespace(NAMESPACE).withName("ada-website").delete();
    await().atMost(WAIT).until(() -> client.pods().inNamespace(NAMESPACE).withName(name).get() == null
        && client.secrets().inNamespace(NAMESPACE).withName(name + "-token").get() == null
        && client.services().inNamespace(NAMESPACE).withName(name).get() == null
        && client.network().v1().networkPolicies().inNamespace(NAMESPACE).withName(name).get() == null
        && client.resources(HTTPRoute.class).inNamespace(NAMESPACE).withName(name).get() == null);
    assertThat(client.pods().inNamespace(NAMESPACE).list().getItems()).isEmpty();
  }

  @Test
  void aClaimAdoptsAReadyWarmPodAndThePoolRefills() {
    start(true, 2);
    List<Pod> warm = awaitWarmPods(2);
    var warmPolicy = await().atMost(WAIT).until(
        () -> client.network().v1().networkPolicies().inNamespace(NAMESPACE).withName("acme-sandbox-warm").get(), p -> p != null);
    assertThat(warmPolicy.getSpec().getPodSelector().getMatchLabels()).containsEntry(SandboxNames.STATE, "warm");
    assertThat(warmPolicy.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getKind()).isEqualTo("StudioDeployment"));
    await().atMost(WAIT).until(() -> new StudioDeploymentStatus.WarmPoolStatus(2, 0).equals(warmPoolStatus()));
    warm.forEach(p -> cluster.markPodReady(NAMESPACE, p.getMetadata().getName()));
    await().atMost(WAIT).until(() -> warm.stream().allMatch(p -> client.secrets().inNamespace(NAMESPACE)
        .withName(p.getMetadata().getName() + "-token").get() != null));
    await().atMost(WAIT).until(() -> new StudioDeploymentStatus.WarmPoolStatus(2, 2).equals(warmPoolStatus()));

    var claim = client.resource(SandboxFixtures.claim("ada-website", "acme")).create();
    var ready = awaitClaim("ada-website", c -> c.getStatus() != null && c.getStatus().phase() == Phase.Ready);
    assertThat(ready.getStatus().launchType()).isEqualTo(LaunchType.Warm);
    String podName = ready.getStatus().podName();
    assertThat(warm).extracting(p -> p.getMetadata().getName()).contains(podName);
    assertThat(ready.getStatus().tokenSecretName()).isEqualTo(podName + "-token");
    Pod adopted = client.pods().inNamespace(NAMESPACE).withName(podName).get();
    assertThat(adopted.getMetadata().getLabels()).containsEntry(SandboxNames.STATE, "bound").containsEntry(SandboxNames.HANDLE, ready.getStatus().handle());
    assertThat(adopted.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getUid()).isEqualTo(claim.getMetadata().getUid()));

    // The pool is refilled to two unbound pods; the studio counts the one not ready yet out.
    await().atMost(WAIT).until(() -> warmPods().size() == 2 && warmPods().stream().noneMatch(p -> p.getMetadata().getName().equals(podName)));
    await().atMost(WAIT).until(() -> new StudioDeploymentStatus.WarmPoolStatus(2, 1).equals(warmPoolStatus()));

    // Deleting the claim takes the adopted pod and its token with it, and leaves the pool alone.
    client.resources(SandboxClaim.class).inNamespace(NAMESPACE).withName("ada-website").delete();
    await().atMost(WAIT).until(() -> client.pods().inNamespace(NAMESPACE).withName(podName).get() == null
        && client.secrets().inNamespace(NAMESPACE).withName(podName + "-token").get() == null);
    assertThat(warmPods()).hasSize(2);
  }

  @Test
  void twoClaimsRacingForOneWarmPodBindItOnceAndTheOtherGoesCold() {
    start(true, 1);
    Pod warm = awaitWarmPods(1).get(0);
    cluster.markPodReady(NAMESPACE, warm.getMetadata().getName());
    await().atMost(WAIT).until(() -> warmPods().stream().anyMatch(WarmPods::ready));

    client.resource(SandboxFixtures.claim("first", "acme")).create();
    client.resource(SandboxFixtures.claim("second", "acme")).create();
    var first = awaitClaim("first", c -> c.getStatus() != null && c.getStatus().podName() != null);
    var second = awaitClaim("second", c -> c.getStatus() != null && c.getStatus().podName() != null);

    assertThat(List.of(first.getStatus().launchType(), second.getStatus().launchType()))
        .containsExactlyInAnyOrder(LaunchType.Warm, LaunchType.Cold);
    assertThat(first.getStatus().podName()).isNotEqualTo(second.getStatus().podName());
    var winner = first.getStatus().launchType() == LaunchType.Warm ? first : second;
    assertThat(winner.getStatus().podName()).isEqualTo(warm.getMetadata().getName());
    Pod adopted = client.pods().inNamespace(NAMESPACE).withName(warm.getMetadata().getName()).get();
    assertThat(adopted.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(winner.getMetadata().getUid()));
  }

  @Test
  void retainStopsThePodAtShutdownTimeAndKeepsTheClaimExpired() {
    start(true, 0);
    String at = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS).toString();
    client.resource(SandboxFixtures.claim("ada-website", "acme", "shutdownTime: \"" + at + "\", shutdownPolicy: Retain")).create();
    var bound = awaitClaim("ada-website", c -> c.getStatus() != null && c.getStatus().podName() != null);
    String podName = bound.getStatus().podName();
    cluster.markPodReady(NAMESPACE, podName);

    var expired = awaitClaim("ada-website", c -> c.getStatus().phase() == Phase.Expired);
    var ready = expired.getStatus().condition(Condition.READY).orElseThrow();
    assertThat(ready.status()).isEqualTo("False");
    assertThat(ready.reason()).isEqualTo("Expired");
    assertThat(ready.message()).contains("shutdownTime");
    assertThat(expired.getStatus().podName()).isNull();
    await().atMost(WAIT).until(() -> client.pods().inNamespace(NAMESPACE).withName(podName).get() == null);
    // It stays expired: no new pod comes.
    await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> client.pods().inNamespace(NAMESPACE).list().getItems().isEmpty());
    assertThat(client.resources(SandboxClaim.class).inNamespace(NAMESPACE).withName("ada-website").get()).isNotNull();
  }

  @Test
  void deleteRemovesTheClaimAndAllItMadeWhenIdleTooLong() {
    start(true, 0);
    client.resource(SandboxFixtures.claim("ada-website", "acme", "idleTtlSeconds: 3, shutdownPolicy: Delete")).create();
    var bound = awaitClaim("ada-website", c -> c.getStatus() != null && c.getStatus().podName() != null);
    String podName = bound.getStatus().podName();
    await().atMost(WAIT).until(() -> client.resources(SandboxClaim.class).inNamespace(NAMESPACE).withName("ada-website").get() == null);
    await().atMost(WAIT).until(() -> client.pods().inNamespace(NAMESPACE).withName(podName).get() == null
        && client.services().inNamespace(NAMESPACE).withName(podName).get() == null
        && client.secrets().inNamespace(NAMESPACE).withName(podName + "-token").get() == null);
    assertThat(events("ada-website")).anySatisfy(e -> assertThat(e.getReason()).isEqualTo("Expired"));
  }

  @Test
  void activityReportedOnTheClaimPostponesIdleExpiry() {
    start(true, 0);
    client.resource(SandboxFixtures.claim("ada-website", "acme", "idleTtlSeconds: 4, shutdownPolicy: Retain")).create();
    awaitClaim("ada-website", c -> c.getStatus() != null && c.getStatus().podName() != null);
    Instant until = Instant.now().plusSeconds(7);
    while (Instant.now().isBefore(until)) {
      String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
      cluster.edit(SandboxClaim.class, NAMESPACE, "ada-website", c -> {
        c.getMetadata().getAnnotations().put(Expiry.LAST_ACTIVITY_ANNOTATION, now);
        return c;
      });
      assertThat(client.resources(SandboxClaim.class).inNamespace(NAMESPACE).withName("ada-website").get().getStatus().phase())
          .isNotEqualTo(Phase.Expired);
      sleep(1000);
    }
    // Then it goes quiet and expires.
    awaitClaim("ada-website", c -> c.getStatus().phase() == Phase.Expired);
  }

  private StudioDeploymentStatus.WarmPoolStatus warmPoolStatus() {
    var studio = client.resources(StudioDeployment.class).inNamespace(NAMESPACE).withName("acme").get();
    return studio == null || studio.getStatus() == null ? null : studio.getStatus().warmPool();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private List<Pod> warmPods() {
    return client.pods().inNamespace(NAMESPACE).withLabel(SandboxNames.STATE, SandboxNames.WARM).list().getItems();
  }

  private List<Pod> awaitWarmPods(int n) {
    return await().atMost(WAIT).until(this::warmPods, pods -> pods.size() == n);
  }

  private SandboxClaim awaitClaim(String name, Predicate<SandboxClaim> test) {
    return await().atMost(WAIT).until(() -> client.resources(SandboxClaim.class).inNamespace(NAMESPACE).withName(name).get(),
        c -> c != null && test.test(c));
  }

  private List<Event> events(String name) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }
}
