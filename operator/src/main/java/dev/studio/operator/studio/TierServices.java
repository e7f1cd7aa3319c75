package dev.studio.operator.studio;

import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.manifest.Labels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;

/** What the api and web tiers share: a cluster-internal Service and the way they roll out. */
final class TierServices {
  private TierServices() {}

  /** A ClusterIP Service on {@code port} to the tier's pods' port named {@code http}. */
  static Service clusterIp(StudioDeployment studio, String name, String component, int port) {
    String instance = studio.getMetadata().getName();
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(studio.getMetadata().getNamespace())
        .withLabels(Labels.of(instance, component))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(Labels.selector(instance, component))
        .addNewPort()
        .withName("http")
        .withPort(port)
        .withTargetPort(new IntOrString("http"))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }

  /** One new pod before an old one goes, none unavailable: a rollout never lowers capacity. */
  static DeploymentStrategy surgeOneAtATime() {
    return new DeploymentStrategyBuilder()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(new IntOrString(1))
        .withMaxUnavailable(new IntOrString(0))
        .endRollingUpdate()
        .build();
  }
}
