package dev.studio.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/** The sandbox template of a StudioDeployment: what every SandboxClaim's pod starts from. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Sandbox(
    @Size(max = 512)
        @JsonPropertyDescription(
            "Sandbox image: the daemon plus the toolchains projects need (git, node, ...)."
                + " Defaults to the operator's daemon image.")
        String image,
    @Size(max = 512)
        @JsonPropertyDescription("Org-fs sidecar image. Defaults to the operator's sidecar image.")
        String orgFsImage,
    @Default(Sandbox.DEFAULT_RESOURCES)
        @JsonPropertyDescription("Compute resources of the sandbox container.")
        Resources resources,
    @Default("3000")
        @Min(1)
        @Max(65535)
        @JsonPropertyDescription("Port the project's dev server listens on, unless a claim says.")
        Integer devServerPort,
    @Size(max = 253)
        @Pattern(Names.DNS_SUBDOMAIN)
        @JsonPropertyDescription(
            "Domain of preview URLs: a sandbox is served at <handle>.preview.<previewDomain>.")
        String previewDomain,
    @Default("https")
        @JsonPropertyDescription("Scheme of preview URLs as users open them.")
        PreviewScheme previewScheme,
    @JsonPropertyDescription("The Gateway preview HTTPRoutes attach to.")
        StudioDeploymentSpec.ParentRef gatewayRef,
    @Default("{}") @JsonPropertyDescription("Sandbox pods kept started ahead of claims.")
        WarmPool warmPool,
    @Default("900")
        @Min(0)
        @Max(604800)
        @JsonPropertyDescription(
            "Seconds without activity after which a claim expires, unless it says otherwise;"
                + " 0 never expires.")
        Integer idleTtlSeconds,
    @Default("{}") @JsonPropertyDescription("Outbound traffic the sandbox may send.") Egress egress,
    @Default("{}") @JsonPropertyDescription("The organisation's files inside the sandbox.") OrgFs orgFs) {

  public static final String DEFAULT_RESOURCES =
      "{\"requests\":{\"cpu\":\"500m\",\"memory\":\"2Gi\"},\"limits\":{\"cpu\":\"2\",\"memory\":\"4Gi\"}}";

  public static final Sandbox DEFAULT =
      new Sandbox(null, null, null, null, null, null, null, null, null, null, null);

  public Sandbox {
    resources =
        resources == null
            ? new Resources(
                Map.of(
                    "cpu", new Quantity("500m"),
                    "memory", new Quantity("2Gi")),
                Map.of(
                    "cpu", new Quantity("2"),
                    "memory", new Quantity("4Gi")))
            : resources;
    devServerPort = devServerPort == null ? 3000 : devServerPort;
    previewScheme = previewScheme == null ? PreviewScheme.https : previewScheme;
    warmPool = warmPool == null ? new WarmPool(null) : warmPool;
    idleTtlSeconds = idleTtlSeconds == null ? 900 : idleTtlSeconds;
    egress = egress == null ? new Egress(null, null) : egress;
    orgFs = orgFs == null ? new OrgFs(null) : orgFs;
  }

  /** URL schemes of previews. */
  public enum PreviewScheme {
    http,
    https
  }

  /** The warm pool. */
  public record WarmPool(
      @Default("0") @Min(0) @Max(1000) @JsonPropertyDescription("Warm pods to keep; 0 turns it off.")
          Integer size) {
    public WarmPool {
      size = size == null ? 0 : size;
    }
  }

  /** Egress policy of sandbox pods. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Egress(
      @Default("Restricted")
          @JsonPropertyDescription(
              "Restricted: no traffic to private ranges (RFC 1918, link-local) except DNS and the"
                  + " platform. Unrestricted: no NetworkPolicy on egress.")
          EgressPolicy policy,
      @Size(max = 64)
          @JsonPropertyDescription("Extra CIDRs the sandbox may reach even when Restricted.")
          List<@Pattern("^[0-9a-fA-F:.]+/[0-9]{1,3}$") String> allowedCidrs) {
    public Egress {
      policy = policy == null ? EgressPolicy.Restricted : policy;
      allowedCidrs = allowedCidrs == null ? List.of() : List.copyOf(allowedCidrs);
    }
  }

  /** Egress policies. */
  public enum EgressPolicy {
    Restricted,
    Unrestricted
  }

  /** Org-fs. */
  public record OrgFs(
      @Default("true")
          @JsonPropertyDescription("Run the org-fs sidecar that syncs org volumes into the sandbox.")
          Boolean enabled) {
    public OrgFs {
      enabled = enabled == null ? Boolean.TRUE : enabled;
    }
  }
}
