package dev.studio.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What the operator observed of a SandboxClaim. */
@JsonClassDescription("Observed state of the sandbox, written by the operator.")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record SandboxClaimStatus(
    @JsonPropertyDescription("The metadata.generation this status was computed from.")
        Long observedGeneration,
    @JsonPropertyDescription("Ready, with reasons.") List<Condition> conditions,
    @JsonPropertyDescription("Pending, Binding, Ready, Expired or Failed.") Phase phase,
    @JsonPropertyDescription("DNS-safe, unguessable handle naming the preview host.") String handle,
    @JsonPropertyDescription("The public preview URL.") String previewUrl,
    @JsonPropertyDescription("Warm if a pool pod was adopted, Cold if one was created.")
        LaunchType launchType,
    @JsonPropertyDescription("The sandbox pod.") String podName,
    @JsonPropertyDescription("Service of the daemon's control API (port 9000).") String daemonService,
    @JsonPropertyDescription("Secret holding the daemon's token, key token.") String tokenSecretName,
    @JsonPropertyDescription("Last activity the daemon reported (RFC 3339).") String lastActivityTime)
    implements WithConditions {

  public SandboxClaimStatus {
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }

  /** Life stages of a claim. */
  public enum Phase {
    Pending,
    Binding,
    Ready,
    Expired,
    Failed
  }

  /** How the pod came to be. */
  public enum LaunchType {
    Warm,
    Cold
  }
}
