package dev.studio.runtime.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.studio.crd.v1alpha1.Condition;
import dev.studio.crd.v1alpha1.SandboxClaim;
import dev.studio.crd.v1alpha1.SandboxClaimStatus;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kubernetes sandbox provider against the fabric8 mock server, the test playing the operator:
 * it creates the claim, waits for the operator's Ready, and reaches the daemon where the status
 * says, with the token from the Secret the status names.
 */
class KubernetesSandboxProviderTest {
  static final String NS = "team-a";
  static final SandboxSpec SPEC = new SandboxSpec("https://git.example.com/app.git", "main", "npm ci", null, "npm run dev", 5173,
      List.of(new SandboxSpec.OrgFsVolume("docs", null, false), new SandboxSpec.OrgFsVolume("public-assets", "assets", true)));

  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeEach
  void startServer() {
    var responses = new HashMap<io.fabric8.mockwebserver.ServerRequest, java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
    server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), false);
    server.init();
    client = server.createClient();
    server.expectCustomResource(new CustomResourceDefinitionContext.Builder().withGroup("studio.dev").withVersion("v1alpha1")
        .withPlural("sandboxclaims").withKind("SandboxClaim").withScope("Namespaced").withStatusSubresource(true).build());
  }

  @AfterEach
  void stopServer() {
    client.close();
    server.destroy();
  }

  @Test
  void theClaimCarriesTheProjectItsSetupAndItsOwner() {
    var claim = KubernetesSandboxProvider.claim(NS, "studio", "shandle", "token:42", SPEC, 5173);
    assertThat(claim.getMetadata().getNamespace()).isEqualTo(NS);
    assertThat(claim.getMetadata().getName()).isEqualTo("shandle");
    assertThat(claim.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "studio-runtime");
    assertThat(claim.getSpec().studioRef().name()).isEqualTo("studio");
    assertThat(claim.getSpec().user()).isEqualTo("token:42");
    assertThat(claim.getSpec().projectRef().repo()).isEqualTo(SPEC.repo());
    assertThat(claim.getSpec().projectRef().ref()).isEqualTo("main");
    assertThat(claim.getSpec().setup().install()).isEqualTo("npm ci");
    assertThat(claim.getSpec().setup().start()).isEqualTo("npm run dev");
    assertThat(claim.getSpec().setup().port()).isEqualTo(5173);
    // Where the sidecar keeps them, relative to the workspace, as the claim's schema asks.
    assertThat(claim.getSpec().orgFs()).extracting(v -> v.volume() + " " + v.path() + " " + v.readOnly())
        .containsExactly("docs org/docs false", "public-assets org/assets true");
  }

  @Test
  void launchWaitsForTheOperatorAndFindsTheDaemonWhereTheStatusSays() throws Exception {
    var provider = new KubernetesSandboxProvider(client, NS, "studio", Duration.ofSeconds(20));
    var launched = CompletableFuture.supplyAsync(() -> {
      try {
        return provider.launch("shandle", "token:42", SPEC);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    var claim = awaitClaim("shandle");
    assertThat(launched).isNotDone(); // nothing is Ready until the operator says so
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("shandle-token").endMetadata()
        // data, as the API server stores it (the mock server does not turn stringData into data)
        .withData(Map.of("token", java.util.Base64.getEncoder().encodeToString("s3cret-daemon-token".getBytes()))).build()).create();
    ready(claim, "https://shandle.preview.example.com/");

    var endpoint = launched.get(20, TimeUnit.SECONDS);
    assertThat(endpoint.control()).isEqualTo(URI.create("http://shandle-daemon.team-a.svc:9000"));
    assertThat(endpoint.previewInternal()).isEqualTo(URI.create("http://shandle-daemon.team-a.svc:9001/"));
    assertThat(endpoint.previewUrl()).isEqualTo("https://shandle.preview.example.com/");
    assertThat(endpoint.token().reveal()).isEqualTo("s3cret-daemon-token");
    assertThat(endpoint.toString()).doesNotContain("s3cret-daemon-token");

    // Another api replica finds the same daemon from the claim alone.
    var other = new KubernetesSandboxProvider(client, NS, "studio", Duration.ofSeconds(20));
    assertThat(other.endpoint("shandle")).contains(endpoint);

    provider.stop("shandle");
    assertThat(client.resources(SandboxClaim.class).inNamespace(NS).withName("shandle").get()).isNull();
    assertThat(provider.endpoint("shandle")).isEmpty();
  }

  @Test
  void aFailedClaimFailsTheLaunchWithTheOperatorsReason() {
    var provider = new KubernetesSandboxProvider(client, NS, "studio", Duration.ofSeconds(20));
    var launched = CompletableFuture.supplyAsync(() -> {
      try {
        return provider.launch("sfailed", "token:42", SPEC);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    var claim = awaitClaim("sfailed");
    claim.setStatus(new SandboxClaimStatus(1L, List.of(new Condition("Ready", "False", "StudioDeploymentMissing",
        "StudioDeployment studio not found", null, 1L)), SandboxClaimStatus.Phase.Failed, null, null, null, null, null, null, null));
    client.resources(SandboxClaim.class).inNamespace(NS).resource(claim).updateStatus();
    assertThatThrownBy(() -> launched.get(20, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IOException.class)
        .rootCause().hasMessageContaining("StudioDeploymentMissing").hasMessageContaining("not found");
  }

  @Test
  void activityReachesTheClaimForIdleExpiryAndOnlyMovesForward() {
    var provider = new KubernetesSandboxProvider(client, NS, "studio", Duration.ofSeconds(20));
    client.resources(SandboxClaim.class).inNamespace(NS)
        .resource(KubernetesSandboxProvider.claim(NS, "studio", "sactive", "token:42", SPEC, 5173)).create();
    var later = java.time.Instant.parse("2026-11-21T10:05:00Z");
    provider.reportActivity("sactive", later);
    provider.reportActivity("sactive", java.time.Instant.parse("2026-11-21T10:00:00Z")); // older: ignored
    var claim = client.resources(SandboxClaim.class).inNamespace(NS).withName("sactive").get();
    assertThat(claim.getMetadata().getAnnotations()).containsEntry("studio.dev/last-activity", later.toString());
    provider.reportActivity("gone", later); // a claim deleted meanwhile: nothing to do, no error
  }

  private SandboxClaim awaitClaim(String name) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      var claim = client.resources(SandboxClaim.class).inNamespace(NS).withName(name).get();
      if (claim != null) {
        return claim;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("no claim " + name);
  }

  private void ready(SandboxClaim claim, String previewUrl) {
    String name = claim.getMetadata().getName();
    claim.setStatus(new SandboxClaimStatus(1L, List.of(new Condition("Ready", "True", "Bound", "", null, 1L)),
        SandboxClaimStatus.Phase.Ready, name, previewUrl, SandboxClaimStatus.LaunchType.Warm, name + "-pod", name + "-daemon",
        name + "-token", null));
    client.resources(SandboxClaim.class).inNamespace(NS).resource(claim).updateStatus();
  }
}
