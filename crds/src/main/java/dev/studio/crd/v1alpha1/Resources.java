package dev.studio.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Compute resources of a container, as in a Pod's {@code resources}. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Resources(
    @JsonPropertyDescription("Minimum resources reserved, e.g. {cpu: 500m, memory: 1Gi}.")
        Map<String, Quantity> requests,
    @JsonPropertyDescription("Maximum resources allowed, e.g. {cpu: \"2\", memory: 2Gi}.")
        Map<String, Quantity> limits) {

  public Resources {
    // Sorted, so the generated CRD defaults and the manifests built from them are stable.
    requests = requests == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(requests));
    limits = limits == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(limits));
  }

  public static Resources of(String cpuRequest, String memoryRequest, String memoryLimit) {
    return new Resources(
        Map.of("cpu", new Quantity(cpuRequest), "memory", new Quantity(memoryRequest)),
        Map.of("memory", new Quantity(memoryLimit)));
  }
}
