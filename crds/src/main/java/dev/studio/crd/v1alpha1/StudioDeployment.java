package dev.studio.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One studio platform: web, api and worker tiers, their configuration and their sandbox warm pool.
 */
@JsonClassDescription("One studio platform: its web, api and worker tiers, datastores, model provider and sandbox template.")
@Group(Names.GROUP)
@Version(Names.VERSION)
@ShortNames("studio")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(name = "URL", jsonPath = ".status.url")
@AdditionalPrinterColumn(name = "Web", jsonPath = ".status.web.readyReplicas", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "API", jsonPath = ".status.api.readyReplicas", type = Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Workers",
    jsonPath = ".status.worker.readyReplicas",
    type = Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Warm",
    jsonPath = ".status.warmPool.ready",
    type = Type.INTEGER,
    priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class StudioDeployment extends CustomResource<StudioDeploymentSpec, StudioDeploymentStatus>
    implements Namespaced {

  public StudioDeployment() {}

  public StudioDeployment(String namespace, String name, StudioDeploymentSpec spec) {
    getMetadata().setNamespace(namespace);
    getMetadata().setName(name);
    setSpec(spec);
  }
}
