package dev.studio.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A key of a Secret in the resource's namespace. Its value is never copied anywhere else. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record SecretKeyRef(
    @Required
        @Size(max = 253)
        @Pattern(Names.DNS_SUBDOMAIN)
        @JsonPropertyDescription("Name of the Secret, in the same namespace.")
        String name,
    @Required
        @Size(max = 253)
        @Pattern(Names.DATA_KEY)
        @JsonPropertyDescription("Key within the Secret's data.")
        String key) {}
