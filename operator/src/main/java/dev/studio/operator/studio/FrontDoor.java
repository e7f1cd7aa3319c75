package dev.studio.operator.studio;

import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.manifest.Labels;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import java.net.URI;

/** The Gateway API front door: an HTTPRoute from publicUrl's host to the web Service. */
public final class FrontDoor {
  public static final String CRD = "httproutes.gateway.networking.k8s.io";

  private FrontDoor() {}

  public static HTTPRoute route(StudioDeployment studio) {
    var parent = studio.getSpec().gateway().parentRef();
    String host = URI.create(studio.getSpec().publicUrl()).getHost();
    return new HTTPRouteBuilder()
        .withNewMetadata()
        .withName(StudioNames.frontDoorRoute(studio))
        .withNamespace(studio.getMetadata().getNamespace())
        .withLabels(Labels.of(studio.getMetadata().getName(), StudioNames.FRONT_DOOR))
        .endMetadata()
        .withNewSpec()
        .addNewParentRef()
        .withName(parent.name())
        .withNamespace(parent.namespace())
        .withSectionName(parent.sectionName())
        .endParentRef()
        .withHostnames(host)
        .addNewRule()
        .addNewBackendRef()
        .withName(StudioNames.web(studio))
        .withPort(WebTier.SERVICE_PORT)
        .endBackendRef()
        .endRule()
        .endSpec()
        .build();
  }
}
