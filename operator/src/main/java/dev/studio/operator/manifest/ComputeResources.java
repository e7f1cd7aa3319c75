package dev.studio.operator.manifest;

import dev.studio.crd.v1alpha1.Resources;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.TreeMap;

/** Our {@link Resources} as a container's {@link ResourceRequirements}. */
public final class ComputeResources {
  private ComputeResources() {}

  public static ResourceRequirements of(Resources resources) {
    var builder = new ResourceRequirementsBuilder();
    if (!resources.requests().isEmpty()) {
      builder.withRequests(new TreeMap<>(resources.requests()));
    }
    if (!resources.limits().isEmpty()) {
      builder.withLimits(new TreeMap<>(resources.limits()));
    }
    return builder.build();
  }
}
