package dev.studio.operator.sandbox;

import dev.studio.crd.v1alpha1.Resources;
import dev.studio.crd.v1alpha1.Sandbox;
import dev.studio.crd.v1alpha1.SandboxClaim;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.StudioDeploymentSpec.ParentRef;
import dev.studio.operator.Images;
import dev.studio.operator.manifest.ComputeResources;
import dev.studio.operator.manifest.Labels;
import dev.studio.operator.manifest.Security;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The manifests of a sandbox, as pure functions: claim (or template) in, manifests out. Owner
 * references are added by the caller, which knows the owner's uid.
 */
public final class SandboxManifests {
  public static final int CONTROL_PORT = 9000;
  public static final int PREVIEW_PORT = 9001;
  public static final String WORKSPACE = "/workspace";
  /** Org volumes appear under the workspace, where claims' {@code orgFs[].path} point. */
  public static final String ORG_ROOT = WORKSPACE + "/org";
  public static final String ORGFS_RUN = "/run/orgfs";
  /** The sidecar's own needs are small: it copies files. */
  static final Resources SIDECAR_RESOURCES = Resources.of("50m", "64Mi", "256Mi");
  /** Time for the daemon to publish uncommitted work on SIGTERM (anchors: the seed uses 90 s). */
  static final long TERMINATION_GRACE_SECONDS = 90;
  /** Private ranges a Restricted sandbox may not reach: RFC 1918, link-local (cloud metadata), CGNAT. */
  static final List<String> PRIVATE_RANGES = List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10");

  private static final SecureRandom RANDOM = new SecureRandom();

  private SandboxManifests() {}

  /** What a sandbox pod runs: everything that differs between pods. */
  public record PodShape(String name, Map<String, String> labels, String daemonImage, String sidecarImage, Resources resources) {}

  /** The shape of a pod for {@code claim}: its own image and resources, or the template's. */
  public static PodShape claimShape(SandboxClaim claim, StudioDeployment studio, Images images, String handle) {
    var spec = claim.getSpec();
    var template = studio.getSpec().sandbox();
    return new PodShape(
        SandboxNames.child(handle),
        boundLabels(studio, handle),
        spec.image() != null ? spec.image() : images.daemonFor(studio),
        images.sidecarFor(studio),
        spec.resources() != null ? spec.resources() : template.resources());
  }

  /** The shape of a warm pod: the template's, labelled as waiting in the pool. */
  public static PodShape warmShape(StudioDeployment studio, Images images, String name) {
    var labels = Labels.of(studio.getMetadata().getName(), SandboxNames.COMPONENT);
    labels.put(SandboxNames.STATE, SandboxNames.WARM);
    return new PodShape(name, labels, images.daemonFor(studio), images.sidecarFor(studio), studio.getSpec().sandbox().resources());
  }

  /** Labels of a pod bound to the claim with {@code handle}. */
  public static Map<String, String> boundLabels(StudioDeployment studio, String handle) {
    var labels = Labels.of(studio.getMetadata().getName(), SandboxNames.COMPONENT);
    labels.put(SandboxNames.STATE, SandboxNames.BOUND);
    labels.put(SandboxNames.HANDLE, handle);
    return labels;
  }

  /** Whether a claim may take a warm pod: one with its own image or resources needs its own pod. */
  public static boolean fitsWarmPool(SandboxClaim claim) {
    return claim.getSpec().image() == null && claim.getSpec().resources() == null;
  }

  /**
   * The daemon's token Secret. The token is made once: {@code existing} (the Secret's current
   * {@code data}) is kept when it holds one, so a reconcile never rotates a live token.
   */
  public static Secret tokenSecret(String namespace, String podName, Map<String, String> labels, Map<String, String> existing) {
    String token = existing == null ? null : existing.get(SandboxNames.TOKEN_KEY);
    return new SecretBuilder()
        .withNewMetadata().withName(SandboxNames.tokenSecret(podName)).withNamespace(namespace).withLabels(labels).endMetadata()
        .withType("Opaque")
        .withData(Map.of(SandboxNames.TOKEN_KEY, token != null ? token : freshToken()))
        .build();
  }

  /** A new daemon token, base64 as Secret data is; prefixed so a leaked one is recognisable. */
  static String freshToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String token = "sbt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
  }

  /** The sandbox pod: the daemon and (unless turned off) the org-fs sidecar, sharing emptyDirs. */
  public static Pod pod(StudioDeployment studio, PodShape shape) {
    Sandbox template = studio.getSpec().sandbox();
    var daemon = new ContainerBuilder()
        .withName("daemon")
        .withImage(shape.daemonImage())
        .withImagePullPolicy(studio.getSpec().imagePullPolicy().name())
        .addNewPort().withName("control").withContainerPort(CONTROL_PORT).withProtocol("TCP").endPort()
        .addNewPort().withName("preview").withContainerPort(PREVIEW_PORT).withProtocol("TCP").endPort()
        .withEnv(
            new EnvVarBuilder().withName("DAEMON_TOKEN").withNewValueFrom().withNewSecretKeyRef()
                .withName(SandboxNames.tokenSecret(shape.name())).withKey(SandboxNames.TOKEN_KEY).endSecretKeyRef().endValueFrom().build(),
            new EnvVarBuilder().withName("DAEMON_WORKSPACE").withValue(WORKSPACE).build(),
            new EnvVarBuilder().withName("DAEMON_CONTROL_PORT").withValue("" + CONTROL_PORT).build(),
            new EnvVarBuilder().withName("DAEMON_PREVIEW_PORT").withValue("" + PREVIEW_PORT).build(),
            new EnvVarBuilder().withName("DAEMON_ORGFS_CONFIG").withValue(ORGFS_RUN + "/config.json").build(),
            new EnvVarBuilder().withName("HOME").withValue("/tmp/home").build())
        .withResources(ComputeResources.of(shape.resources()))
        .withSecurityContext(Security.container())
        .withReadinessProbe(new ProbeBuilder().withNewHttpGet().withPath("/health").withPort(new IntOrString("control")).endHttpGet()
            .withPeriodSeconds(2).withFailureThreshold(3).build())
        .withVolumeMounts(
            new VolumeMountBuilder().withName("workspace").withMountPath(WORKSPACE).build(),
            new VolumeMountBuilder().withName("orgfs-run").withMountPath(ORGFS_RUN).build(),
            new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build())
        .build();
    var containers = new ArrayList<>(List.of(daemon));
    if (template.orgFs().enabled()) {
      containers.add(new ContainerBuilder()
          .withName("orgfs")
          .withImage(shape.sidecarImage())
          .withImagePullPolicy(studio.getSpec().imagePullPolicy().name())
          .withEnv(
              new EnvVarBuilder().withName("ORGFS_CONFIG").withValue(ORGFS_RUN + "/config.json").build(),
              new EnvVarBuilder().withName("ORGFS_STATUS").withValue(ORGFS_RUN + "/status.json").build(),
              new EnvVarBuilder().withName("ORGFS_ROOT").withValue(ORG_ROOT).build())
          .withResources(ComputeResources.of(SIDECAR_RESOURCES))
          .withSecurityContext(Security.container())
          .withVolumeMounts(
              // The whole workspace, since org volumes are mounted at paths the claim chooses in it.
              new VolumeMountBuilder().withName("workspace").withMountPath(WORKSPACE).build(),
              new VolumeMountBuilder().withName("orgfs-run").withMountPath(ORGFS_RUN).build(),
              new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build())
          .build());
    }
    return new PodBuilder()
        .withNewMetadata().withName(shape.name()).withNamespace(studio.getMetadata().getNamespace()).withLabels(shape.labels()).endMetadata()
        .withNewSpec()
        .withContainers(containers)
        .withVolumes(
            new VolumeBuilder().withName("workspace").withNewEmptyDir().endEmptyDir().build(),
            new VolumeBuilder().withName("orgfs-run").withNewEmptyDir().withMedium("Memory").endEmptyDir().build(),
            new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build())
        .withSecurityContext(Security.pod(Security.RUNTIME_UID))
        // A sandbox runs user code: it gets no Kubernetes credentials and no Service env vars.
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withRestartPolicy("Always")
        .withTerminationGracePeriodSeconds(TERMINATION_GRACE_SECONDS)
        .withImagePullSecrets(studio.getSpec().imagePullSecrets().stream().map(LocalObjectReference::new).toList())
        .endSpec()
        .build();
  }

  /** The Service of a claim's pod: control API (9000) for the platform, preview (9001) for the route. */
  public static Service service(SandboxClaim claim, StudioDeployment studio, String handle) {
    return new ServiceBuilder()
        .withNewMetadata().withName(SandboxNames.child(handle)).withNamespace(claim.getMetadata().getNamespace())
        .withLabels(Labels.of(studio.getMetadata().getName(), SandboxNames.COMPONENT)).endMetadata()
        .withNewSpec()
        .withSelector(Map.of(SandboxNames.HANDLE, handle))
        .addNewPort().withName("control").withPort(CONTROL_PORT).withTargetPort(new IntOrString("control")).withProtocol("TCP").endPort()
        .addNewPort().withName("preview").withPort(PREVIEW_PORT).withTargetPort(new IntOrString("preview")).withProtocol("TCP").endPort()
        .endSpec()
        .build();
  }

  /** The Gateway a preview route attaches to: the template's, else the studio's front door's. */
  static ParentRef previewGateway(StudioDeployment studio) {
    var template = studio.getSpec().sandbox();
    if (template.gatewayRef() != null) {
      return template.gatewayRef();
    }
    return studio.getSpec().gateway() == null ? null : studio.getSpec().gateway().parentRef();
  }

  /** The public preview URL, or null when the template has no preview domain. */
  public static String previewUrl(StudioDeployment studio, String handle) {
    var template = studio.getSpec().sandbox();
    if (template.previewDomain() == null) {
      return null;
    }
    return template.previewScheme().name() + "://" + SandboxNames.previewHost(handle, template.previewDomain());
  }

  /** The preview route: {@code <handle>.preview.<domain>} to port 9001 only, never the control API. */
  public static HTTPRoute route(SandboxClaim claim, StudioDeployment studio, String handle) {
    var parent = previewGateway(studio);
    var builder = new HTTPRouteBuilder()
        .withNewMetadata().withName(SandboxNames.child(handle)).withNamespace(claim.getMetadata().getNamespace())
        .withLabels(Labels.of(studio.getMetadata().getName(), SandboxNames.COMPONENT)).endMetadata()
        .withNewSpec();
    if (parent != null) {
      builder = builder.addNewParentRef().withName(parent.name()).withNamespace(parent.namespace()).withSectionName(parent.sectionName()).endParentRef();
    }
    return builder
        .withHostnames(SandboxNames.previewHost(handle, studio.getSpec().sandbox().previewDomain()))
        .addNewRule()
        .addNewBackendRef().withName(SandboxNames.child(handle)).withPort(PREVIEW_PORT).endBackendRef()
        .endRule()
        .endSpec()
        .build();
  }

  /**
   * The NetworkPolicy of a claim's pod. Ingress: the preview port from anywhere (the gateway), the
   * control port only from the studio's own pods. Egress when Restricted: DNS, the studio's pods,
   * and the internet without private ranges (plus any allowed CIDRs); Unrestricted: no egress rule.
   */
  public static NetworkPolicy networkPolicy(SandboxClaim claim, StudioDeployment studio, String handle) {
    return networkPolicy(studio, claim.getMetadata().getNamespace(), SandboxNames.child(handle), Map.of(SandboxNames.HANDLE, handle));
  }

  /**
   * The same policy for the studio's warm pods: they run the daemon before any claim exists, so
   * they are held to the same rules while they wait, not only once bound.
   */
  public static NetworkPolicy warmNetworkPolicy(StudioDeployment studio) {
    var selector = new LinkedHashMap<String, String>();
    selector.put(Labels.INSTANCE, studio.getMetadata().getName());
    selector.put(Labels.COMPONENT, SandboxNames.COMPONENT);
    selector.put(SandboxNames.STATE, SandboxNames.WARM);
    return networkPolicy(studio, studio.getMetadata().getNamespace(), SandboxNames.warmPolicy(studio), selector);
  }

  private static NetworkPolicy networkPolicy(StudioDeployment studio, String namespace, String name, Map<String, String> podSelector) {
    String instance = studio.getMetadata().getName();
    var egress = studio.getSpec().sandbox().egress();
    var platform = new NetworkPolicyPeerBuilder().withNewPodSelector().withMatchLabels(Map.of(Labels.INSTANCE, instance))
        .addNewMatchExpression().withKey(Labels.COMPONENT).withOperator("In").withValues("api", "worker", "workerpool").endMatchExpression()
        .endPodSelector().build();
    var builder = new NetworkPolicyBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace)
        .withLabels(Labels.of(instance, SandboxNames.COMPONENT)).endMetadata()
        .withNewSpec()
        .withNewPodSelector().withMatchLabels(podSelector).endPodSelector()
        .addNewIngress().withPorts(new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(PREVIEW_PORT)).build()).endIngress()
        .addNewIngress().withFrom(platform).withPorts(new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(CONTROL_PORT)).build()).endIngress();
    if (egress.policy() == Sandbox.EgressPolicy.Unrestricted) {
      return builder.withPolicyTypes("Ingress").endSpec().build();
    }
    List<NetworkPolicyEgressRule> rules = new ArrayList<>();
    rules.add(new NetworkPolicyEgressRuleBuilder()
        .withPorts(new NetworkPolicyPortBuilder().withProtocol("UDP").withPort(new IntOrString(53)).build(),
            new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(53)).build())
        .build());
    rules.add(new NetworkPolicyEgressRuleBuilder().withTo(platform).build());
    rules.add(new NetworkPolicyEgressRuleBuilder().addNewTo().withNewIpBlock().withCidr("0.0.0.0/0").withExcept(PRIVATE_RANGES).endIpBlock().endTo().build());
    if (!egress.allowedCidrs().isEmpty()) {
      var allowed = new NetworkPolicyEgressRuleBuilder();
      egress.allowedCidrs().forEach(cidr -> allowed.addNewTo().withNewIpBlock().withCidr(cidr).endIpBlock().endTo());
      rules.add(allowed.build());
    }
    return builder.withPolicyTypes("Ingress", "Egress").withEgress(rules).endSpec().build();
  }

  /** Labels of a claim's token Secret, Service and other children. */
  public static Map<String, String> childLabels(StudioDeployment studio) {
    return new LinkedHashMap<>(Labels.of(studio.getMetadata().getName(), SandboxNames.COMPONENT));
  }
}
