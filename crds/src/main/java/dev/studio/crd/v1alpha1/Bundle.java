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
 * An agent application: a declarative bundle.yaml or a JVM jar, resolved to a revision, packaged to
 * the object store and loaded by the workers.
 */
@JsonClassDescription("An agent application, resolved to a revision, packaged to the object store and loaded by the workers.")
@Group(Names.GROUP)
@Version(Names.VERSION)
@ShortNames("bdl")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Kind", jsonPath = ".spec.kind")
@AdditionalPrinterColumn(name = "Revision", jsonPath = ".status.resolvedRevision")
@AdditionalPrinterColumn(name = "Loaded By", jsonPath = ".status.loadedBy", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Default", jsonPath = ".spec.default", type = Type.BOOLEAN)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class Bundle extends CustomResource<BundleSpec, BundleStatus> implements Namespaced {

  public Bundle() {}

  public Bundle(String namespace, String name, BundleSpec spec) {
    getMetadata().setNamespace(namespace);
    getMetadata().setName(name);
    setSpec(spec);
  }
}
