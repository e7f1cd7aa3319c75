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
 * A user's sandbox for a project: a pod that cloned the repository and runs its dev server, with a
 * token-protected control API for the platform and a public preview URL for the user.
 */
@JsonClassDescription("A user's sandbox for a project: a pod running its dev server, with a control API and a public preview URL.")
@Group(Names.GROUP)
@Version(Names.VERSION)
@ShortNames("sbc")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "User", jsonPath = ".spec.user")
@AdditionalPrinterColumn(name = "Preview", jsonPath = ".status.previewUrl")
@AdditionalPrinterColumn(name = "Launch", jsonPath = ".status.launchType", priority = 1)
@AdditionalPrinterColumn(name = "Pod", jsonPath = ".status.podName", priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class SandboxClaim extends CustomResource<SandboxClaimSpec, SandboxClaimStatus>
    implements Namespaced {

  public SandboxClaim() {}

  public SandboxClaim(String namespace, String name, SandboxClaimSpec spec) {
    getMetadata().setNamespace(namespace);
    getMetadata().setName(name);
    setSpec(spec);
  }
}
