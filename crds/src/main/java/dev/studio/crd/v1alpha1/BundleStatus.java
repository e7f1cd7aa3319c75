package dev.studio.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What the operator observed of a Bundle. */
@JsonClassDescription("Observed state of the bundle, written by the operator.")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record BundleStatus(
    @JsonPropertyDescription("The metadata.generation this status was computed from.")
        Long observedGeneration,
    @JsonPropertyDescription("Ready, with reasons.") List<Condition> conditions,
    @JsonPropertyDescription("The commit (or content digest) the source resolved to.")
        String resolvedRevision,
    @JsonPropertyDescription("Object-store key of the packaged revision.") String artifact,
    @JsonPropertyDescription("Workers that have loaded the resolved revision.") Integer loadedBy,
    @JsonPropertyDescription("When the source was last resolved (RFC 3339).") String lastResolveTime)
    implements WithConditions {

  public BundleStatus {
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }
}
