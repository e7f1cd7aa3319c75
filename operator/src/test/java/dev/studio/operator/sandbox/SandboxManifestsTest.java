package dev.studio.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.crd.v1alpha1.Resources;
import dev.studio.crd.v1alpha1.Sandbox;
import dev.studio.crd.v1alpha1.SandboxClaim;
import dev.studio.crd.v1alpha1.SandboxClaimSpec;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.Golden;
import dev.studio.operator.Images;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every sandbox builder: claim and template in, the exact manifests out. */
class SandboxManifestsTest {
  static final Images IMAGES = new Images(Images.DEFAULT_RUNTIME, Images.DEFAULT_DAEMON, Images.DEFAULT_SIDECAR, "1.0.0");
  static final String HANDLE = "abcdefgh23456712";

  static StudioDeployment studio() {
    var studio = SandboxFixtures.studio("acme", SandboxFixtures.template(2));
    studio.getMetadata().setUid("7d3c1a5e-0000-4000-8000-000000000001");
    return studio;
  }

  static SandboxClaim claim() {
    var claim = SandboxFixtures.claim("ada-website", "acme");
    claim.getMetadata().setUid("7d3c1a5e-0000-4000-8000-000000000002");
    return claim;
  }

  @Test
  void aClaimsPodRunsTheDaemonAndTheSidecarWithTheTokenFromItsSecret() {
    var pod = SandboxManifests.pod(studio(), SandboxManifests.claimShape(claim(), studio(), IMAGES, HANDLE));
    Golden.assertMatches("sandbox/claim-pod", pod);

    Container daemon = pod.getSpec().getContainers().get(0);
    assertThat(daemon.getPorts()).extracting(ContainerPort::getContainerPort).containsExactly(9000, 9001);
    var token = daemon.getEnv().stream().filter(e -> e.getName().equals("DAEMON_TOKEN")).findFirst().orElseThrow();
    assertThat(token.getValue()).isNull();
    assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("sbx-" + HANDLE + "-token");
    assertThat(token.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
    assertThat(pod.getSpec().getContainers()).extracting(Container::getName).containsExactly("daemon", "orgfs");
    for (Container container : pod.getSpec().getContainers()) {
      assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(container.getSecurityContext().getPrivileged()).isFalse();
      assertThat(container.getVolumeMounts()).extracting(m -> m.getName()).contains("workspace", "orgfs-run");
    }
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getMetadata().getLabels()).containsEntry(SandboxNames.HANDLE, HANDLE).containsEntry(SandboxNames.STATE, "bound");
    assertThat(daemon.getResources().getRequests()).containsEntry("cpu", new io.fabric8.kubernetes.api.model.Quantity("500m"));
  }

  @Test
  void aClaimsOwnImageAndResourcesWinAndKeepItOutOfTheWarmPool() {
    var base = claim();
    var spec = base.getSpec();
    base.setSpec(new SandboxClaimSpec(spec.studioRef(), spec.user(), spec.projectRef(), spec.setup(), spec.orgFs(), spec.lifecycle(),
        "example/custom:1", Resources.of("1", "1Gi", "3Gi")));
    var pod = SandboxManifests.pod(studio(), SandboxManifests.claimShape(base, studio(), IMAGES, HANDLE));
    Container daemon = pod.getSpec().getContainers().get(0);
    assertThat(daemon.getImage()).isEqualTo("example/custom:1");
    assertThat(daemon.getResources().getLimits()).containsEntry("memory", new io.fabric8.kubernetes.api.model.Quantity("3Gi"));
    assertThat(SandboxManifests.fitsWarmPool(base)).isFalse();
    assertThat(SandboxManifests.fitsWarmPool(claim())).isTrue();
  }

  @Test
  void withoutOrgFsThePodHasNoSidecar() {
    var template = SandboxFixtures.template(0);
    var studio = SandboxFixtures.studio("acme", new Sandbox(template.image(), template.orgFsImage(), template.resources(),
        template.devServerPort(), template.previewDomain(), template.previewScheme(), template.gatewayRef(), template.warmPool(),
        template.idleTtlSeconds(), template.egress(), new Sandbox.OrgFs(false)));
    var pod = SandboxManifests.pod(studio, SandboxManifests.claimShape(claim(), studio, IMAGES, HANDLE));
    assertThat(pod.getSpec().getContainers()).extracting(Container::getName).containsExactly("daemon");
  }

  @Test
  void aWarmPodIsTheTemplateLabelledWarm() {
    var pod = WarmPoolReconciler.warmPod(studio(), IMAGES, "acme-warm-abcdefgh");
    Golden.assertMatches("sandbox/warm-pod", pod);
    assertThat(pod.getMetadata().getLabels()).containsEntry(SandboxNames.STATE, "warm").doesNotContainKey(SandboxNames.HANDLE);
    assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getKind()).isEqualTo("StudioDeployment"));
  }

  @Test
  void theServiceOpensTheControlAndPreviewPortsOfTheClaimsPod() {
    var service = SandboxManifests.service(claim(), studio(), HANDLE);
    Golden.assertMatches("sandbox/service", service);
    assertThat(service.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(9000, 9001);
    assertThat(service.getSpec().getSelector()).isEqualTo(Map.of(SandboxNames.HANDLE, HANDLE));
  }

  @Test
  void theRouteServesOnlyThePreviewPortAtTheHandlesHost() {
    var route = SandboxManifests.route(claim(), studio(), HANDLE);
    Golden.assertMatches("sandbox/httproute", route);
    assertThat(route.getSpec().getHostnames()).containsExactly(HANDLE + ".preview.preview.test");
    assertThat(route.getSpec().getRules()).singleElement().satisfies(r ->
        assertThat(r.getBackendRefs()).singleElement().satisfies(b -> assertThat(b.getPort()).isEqualTo(9001)));
    assertThat(SandboxManifests.previewUrl(studio(), HANDLE)).isEqualTo("https://" + HANDLE + ".preview.preview.test");
  }

  @Test
  void theNetworkPolicyKeepsPrivateRangesOutUnlessUnrestricted() {
    var restricted = SandboxManifests.networkPolicy(claim(), studio(), HANDLE);
    Golden.assertMatches("sandbox/networkpolicy", restricted);
    assertThat(restricted.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertThat(restricted.getSpec().getEgress().stream().flatMap(r -> r.getTo().stream()).filter(to -> to.getIpBlock() != null))
        .singleElement().satisfies(to -> assertThat(to.getIpBlock().getExcept()).contains("10.0.0.0/8", "169.254.0.0/16"));

    var template = SandboxFixtures.template(0);
    var open = SandboxFixtures.studio("acme", new Sandbox(null, null, null, null, "preview.test", null, null, null, null,
        new Sandbox.Egress(Sandbox.EgressPolicy.Unrestricted, List.of()), null));
    var unrestricted = SandboxManifests.networkPolicy(claim(), open, HANDLE);
    assertThat(unrestricted.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(unrestricted.getSpec().getEgress()).isEmpty();
    assertThat(template.warmPool().size()).isZero();
  }

  @Test
  void warmPodsAreHeldToTheSamePolicyWhileTheyWait() {
    var warm = SandboxManifests.warmNetworkPolicy(studio());
    var bound = SandboxManifests.networkPolicy(claim(), studio(), HANDLE);
    assertThat(warm.getMetadata().getName()).isEqualTo("acme-sandbox-warm");
    assertThat(warm.getSpec().getPodSelector().getMatchLabels()).isEqualTo(Map.of(
        "app.kubernetes.io/instance", "acme", "app.kubernetes.io/component", "sandbox", SandboxNames.STATE, "warm"));
    assertThat(warm.getSpec().getIngress()).isEqualTo(bound.getSpec().getIngress());
    assertThat(warm.getSpec().getEgress()).isEqualTo(bound.getSpec().getEgress());
    assertThat(warm.getSpec().getPolicyTypes()).isEqualTo(bound.getSpec().getPolicyTypes());
  }

  @Test
  void theTokenIsMadeOnceAndKept() {
    var first = SandboxManifests.tokenSecret("team", "sbx-" + HANDLE, Map.of(), null);
    assertThat(first.getMetadata().getName()).isEqualTo("sbx-" + HANDLE + "-token");
    String token = first.getData().get("token");
    String decoded = new String(java.util.Base64.getDecoder().decode(token), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(decoded).startsWith("sbt_").hasSizeGreaterThanOrEqualTo(40);
    var again = SandboxManifests.tokenSecret("team", "sbx-" + HANDLE, Map.of(), first.getData());
    assertThat(again.getData()).isEqualTo(first.getData());
    var other = SandboxManifests.tokenSecret("team", "sbx-" + HANDLE, Map.of(), null);
    assertThat(other.getData().get("token")).isNotEqualTo(token);
  }

  @Test
  void handlesAreDnsLabelsAndDoNotRepeat() {
    var seen = new java.util.HashSet<String>();
    for (int i = 0; i < 10_000; i++) {
      String handle = Handles.fresh();
      assertThat(handle).matches("^[a-z2-7]{16}$");
      assertThat(Handles.valid(handle)).isTrue();
      assertThat(seen.add(handle)).isTrue();
    }
    assertThat(Handles.valid("ABCDEFGH23456712")).isFalse();
    assertThat(Handles.valid("abc")).isFalse();
  }
}
