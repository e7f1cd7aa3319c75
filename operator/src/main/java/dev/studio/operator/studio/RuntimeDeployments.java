package dev.studio.operator.studio;

import dev.studio.crd.v1alpha1.Resources;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.manifest.ComputeResources;
import dev.studio.operator.manifest.ConfigHash;
import dev.studio.operator.manifest.Security;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Deployments of the runtime (roles api and worker), for a StudioDeployment's own tiers and for
 * WorkerPools alike: the same image, environment, probes and restricted security context.
 */
public final class RuntimeDeployments {
  public static final String CONTAINER = "runtime";

  private RuntimeDeployments() {}

  /** What differs between the runtime Deployments of one platform. */
  public record Shape(
      String name,
      Map<String, String> labels,
      Map<String, String> selector,
      String role,
      int replicas,
      Resources resources,
      Map<String, String> roleSettings,
      String serviceAccount) {}

  public static Deployment build(StudioDeployment studio, String image, Shape shape) {
    var spec = studio.getSpec();
    Map<String, String> podAnnotations = new LinkedHashMap<>();
    podAnnotations.put(ConfigHash.ANNOTATION, ConfigHash.of(RuntimeEnvironment.sharedSettings(studio)));
    podAnnotations.put("prometheus.io/scrape", "true");
    podAnnotations.put("prometheus.io/port", Integer.toString(RuntimeEnvironment.HTTP_PORT));
    podAnnotations.put("prometheus.io/path", "/metrics");

    var container =
        new ContainerBuilder()
            .withName(CONTAINER)
            .withImage(image)
            .withImagePullPolicy(spec.imagePullPolicy().name())
            .withPorts(
                new ContainerPortBuilder()
                    .withName("http")
                    .withContainerPort(RuntimeEnvironment.HTTP_PORT)
                    .withProtocol("TCP")
                    .build())
            .withEnvFrom(
                new EnvFromSourceBuilder()
                    .withNewConfigMapRef()
                    .withName(StudioNames.runtimeConfig(studio))
                    .endConfigMapRef()
                    .build())
            .withEnv(RuntimeEnvironment.podEnv(studio, shape.role(), shape.roleSettings()))
            .withResources(ComputeResources.of(shape.resources()))
            // Migrations run at start-up: give a first start a minute before liveness counts.
            .withStartupProbe(probe("/health/live", 2, 30))
            .withLivenessProbe(probe("/health/live", 10, 3))
            .withReadinessProbe(probe("/health/ready", 5, 2))
            .withSecurityContext(Security.container())
            .withVolumeMounts(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build())
            .build();

    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(shape.name())
        .withNamespace(studio.getMetadata().getNamespace())
        .withLabels(shape.labels())
        .endMetadata()
        .withNewSpec()
        .withReplicas(shape.replicas())
        .withRevisionHistoryLimit(3)
        .withNewSelector()
        .withMatchLabels(shape.selector())
        .endSelector()
        .withStrategy(TierServices.surgeOneAtATime())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(shape.labels())
        .withAnnotations(podAnnotations)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(shape.serviceAccount())
        .withAutomountServiceAccountToken(shape.serviceAccount() != null)
        .withEnableServiceLinks(false)
        .withTerminationGracePeriodSeconds(spec.shutdownGraceSeconds().longValue())
        .withSecurityContext(Security.pod(Security.RUNTIME_UID))
        .withImagePullSecrets(spec.imagePullSecrets().stream().map(LocalObjectReference::new).toList())
        .withContainers(container)
        .withVolumes(new VolumeBuilder().withName("tmp").withEmptyDir(new EmptyDirVolumeSource()).build())
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString("http"))
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .withTimeoutSeconds(2)
        .build();
  }
}
