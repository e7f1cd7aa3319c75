package dev.studio.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The StudioDeployment, in the same namespace, that a WorkerPool, claim or bundle belongs to. */
public record StudioRef(
    @Required
        @Size(min = 1, max = 63)
        @Pattern(Names.DNS_LABEL)
        @JsonPropertyDescription("Name of the StudioDeployment in the same namespace.")
        String name) {}
