package dev.studio.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/**
 * A status condition in the shape Kubernetes, kstatus, Argo CD and Flux read: {@code status} is
 * the string {@code "True"}, {@code "False"} or {@code "Unknown"}, never a boolean.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Condition(
    @Required @JsonPropertyDescription("Type of the condition, e.g. Ready, Progressing, Degraded.")
        String type,
    @Required @JsonPropertyDescription("Status of the condition: \"True\", \"False\" or \"Unknown\".")
        String status,
    @JsonPropertyDescription("One CamelCase word saying why the condition has its status.")
        String reason,
    @JsonPropertyDescription("A human-readable explanation of the status.") String message,
    @JsonPropertyDescription(
            "When the status last changed (RFC 3339). It does not move while the status stays.")
        String lastTransitionTime,
    @JsonPropertyDescription("The metadata.generation this condition was computed from.")
        Long observedGeneration) {

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";

  @JsonIgnore
  public boolean isTrue() {
    return TRUE.equals(status);
  }
}
