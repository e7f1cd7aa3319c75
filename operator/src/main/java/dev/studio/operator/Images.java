package dev.studio.operator;

import dev.studio.crd.v1alpha1.StudioDeployment;

/**
 * The images the operator deploys unless a resource names its own: repositories plus the platform
 * version they are tagged with (the operator's own version, so operator and runtime match).
 */
public record Images(String runtime, String daemon, String sidecar, String version) {

  public static final String DEFAULT_RUNTIME = "ghcr.io/studio-dev/studio-runtime";
  public static final String DEFAULT_DAEMON = "ghcr.io/studio-dev/studio-daemon";
  public static final String DEFAULT_SIDECAR = "ghcr.io/studio-dev/studio-sidecar-orgfs";

  /** The api and worker image of a StudioDeployment. */
  public String runtimeFor(StudioDeployment studio) {
    var spec = studio.getSpec();
    if (spec.image() != null) {
      return spec.image();
    }
    return runtime + ":" + (spec.version() != null ? spec.version() : version);
  }

  public String daemonFor(StudioDeployment studio) {
    var sandbox = studio.getSpec().sandbox();
    return sandbox.image() != null ? sandbox.image() : daemon + ":" + versionOf(studio);
  }

  public String sidecarFor(StudioDeployment studio) {
    var sandbox = studio.getSpec().sandbox();
    return sandbox.orgFsImage() != null ? sandbox.orgFsImage() : sidecar + ":" + versionOf(studio);
  }

  private String versionOf(StudioDeployment studio) {
    return studio.getSpec().version() != null ? studio.getSpec().version() : version;
  }
}
