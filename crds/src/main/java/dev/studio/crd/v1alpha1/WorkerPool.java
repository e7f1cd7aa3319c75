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
 * Extra worker capacity for chosen queues of a StudioDeployment. It has a scale subresource, so
 * {@code kubectl scale}, an HPA or KEDA can drive it.
 */
@JsonClassDescription("Extra worker capacity for chosen queues of a StudioDeployment, scalable by HPA or KEDA.")
@Group(Names.GROUP)
@Version(Names.VERSION)
@ShortNames("wp")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Studio", jsonPath = ".spec.studioRef.name")
@AdditionalPrinterColumn(name = "Queues", jsonPath = ".spec.queues")
@AdditionalPrinterColumn(name = "Replicas", jsonPath = ".status.replicas", type = Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready Replicas",
    jsonPath = ".status.readyReplicas",
    type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Depth", jsonPath = ".status.queueDepth", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class WorkerPool extends CustomResource<WorkerPoolSpec, WorkerPoolStatus>
    implements Namespaced {

  public WorkerPool() {}

  public WorkerPool(String namespace, String name, WorkerPoolSpec spec) {
    getMetadata().setNamespace(namespace);
    getMetadata().setName(name);
    setSpec(spec);
  }
}
