package dev.studio.orgfs;

/**
 * The org-fs sidecar of a sandbox pod. It keeps {@code <appRoot>/org/<volume>} in step with the
 * platform's {@code /api/{org}/fs/{volume}}, configured through {@code /run/orgfs/config.json}
 * after the pod is bound to a claim, reporting through {@code /run/orgfs/status.json}.
 *
 * <p>The synchronisation itself arrives with the sandboxes work; until then this module only
 * builds its image, and refuses to run rather than pretend to sync.
 */
public final class SidecarMain {
  private SidecarMain() {}

  public static void main(String[] args) {
    System.err.println("studio-sidecar-orgfs: org-fs synchronisation is not part of this build yet");
    System.exit(2);
  }
}
