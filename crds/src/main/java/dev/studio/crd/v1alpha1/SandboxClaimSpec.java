package dev.studio.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** What a sandbox runs and for whom. */
@JsonClassDescription("Desired sandbox: whose it is, what it runs and when it ends.")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(
    value = "!has(self.orgFs) || self.orgFs.all(v, self.orgFs.exists_one(w, w.path == v.path))",
    message = "two orgFs volumes share a path",
    fieldPath = ".orgFs")
public record SandboxClaimSpec(
    @Required @JsonPropertyDescription("The StudioDeployment whose sandbox template to use.")
        StudioRef studioRef,
    @Required
        @Size(min = 1, max = 253)
        @JsonPropertyDescription("The user the sandbox belongs to (the platform's user id).")
        String user,
    @Required @JsonPropertyDescription("The repository the sandbox clones.") ProjectRef projectRef,
    @Default("{}") @JsonPropertyDescription("How the project is installed, built and started.")
        Setup setup,
    @Size(max = 16)
        @JsonPropertyDescription("Org filesystem volumes shown inside the sandbox.")
        List<OrgFsVolume> orgFs,
    @Default("{}") @JsonPropertyDescription("When the sandbox ends and what is kept.")
        Lifecycle lifecycle,
    @Size(max = 512)
        @JsonPropertyDescription(
            "Image overriding the template's. A claim with its own image never takes a warm pod.")
        String image,
    @JsonPropertyDescription(
            "Resources overriding the template's. A claim with its own never takes a warm pod.")
        Resources resources) {

  public SandboxClaimSpec {
    setup = setup == null ? new Setup(null, null, null, null) : setup;
    orgFs = orgFs == null ? List.of() : List.copyOf(orgFs);
    lifecycle = lifecycle == null ? new Lifecycle(null, null, null) : lifecycle;
  }

  /** A git repository at a ref. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record ProjectRef(
      @Required
          @Size(min = 1, max = 2048)
          @Pattern("^(https?|ssh|git|file)://[^\\s]+$|^[^\\s@]+@[^\\s:]+:[^\\s]+$")
          @JsonPropertyDescription("Clone URL: https://, ssh://, git@host:path or file://.")
          String repo,
      @Default("main")
          @Size(min = 1, max = 255)
          @Pattern("^[^\\s~^:?*\\[\\\\]+$")
          @JsonPropertyDescription("Branch, tag or commit to check out.")
          String ref) {
    public ProjectRef {
      ref = ref == null ? "main" : ref;
    }
  }

  /** Setup commands, run in order after the clone. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Setup(
      @Size(max = 4096) @JsonPropertyDescription("Install command, e.g. npm ci.") String install,
      @Size(max = 4096) @JsonPropertyDescription("Build command, e.g. npm run build.") String build,
      @Size(max = 4096)
          @JsonPropertyDescription("Command starting the dev server, e.g. npm run dev.")
          String start,
      @Min(1)
          @Max(65535)
          @JsonPropertyDescription("Port the dev server listens on. Defaults to the template's.")
          Integer port) {}

  /** An org-fs volume inside the sandbox. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record OrgFsVolume(
      @Required
          @Size(min = 1, max = 63)
          @Pattern(Names.DNS_LABEL)
          @JsonPropertyDescription("Name of the org volume; public-* volumes are always read-only.")
          String volume,
      @Required
          @Size(min = 1, max = 1024)
          @ValidationRule(
              value = "!self.startsWith('/') && !self.split('/').exists(s, s == '..')",
              message = "path must be relative to the workspace and must not contain '..'")
          @JsonPropertyDescription("Where it appears, relative to the workspace root.")
          String path,
      @Default("false") @JsonPropertyDescription("Refuse writes from the sandbox.") Boolean readOnly) {
    public OrgFsVolume {
      readOnly = readOnly == null ? Boolean.FALSE : readOnly;
    }
  }

  /** Expiry. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Lifecycle(
      @Min(0)
          @Max(604800)
          @JsonPropertyDescription(
              "Seconds without activity before the sandbox expires; 0 never. Defaults to the"
                  + " template's.")
          Integer idleTtlSeconds,
      @JsonPropertyDescription("Time (RFC 3339) at which the sandbox expires regardless of use.")
          @ValidationRule(
              value = "self.matches('^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$')",
              message = "shutdownTime must be an RFC 3339 time such as 2026-01-31T18:00:00Z")
          String shutdownTime,
      @Default("Delete")
          @JsonPropertyDescription(
              "On expiry, Delete removes the claim and everything it made; Retain stops the pod"
                  + " and keeps the claim, marked Expired.")
          ShutdownPolicy shutdownPolicy) {
    public Lifecycle {
      shutdownPolicy = shutdownPolicy == null ? ShutdownPolicy.Delete : shutdownPolicy;
    }
  }

  /** What happens at expiry. */
  public enum ShutdownPolicy {
    Retain,
    Delete
  }
}
