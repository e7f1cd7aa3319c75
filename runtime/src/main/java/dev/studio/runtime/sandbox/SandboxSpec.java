package dev.studio.runtime.sandbox;

import java.util.List;

/**
 * What a sandbox is for: the project's repository and how to set it up (the daemon's claim
 * configuration, DESIGN §6), and the org-fs volumes it sees. {@code port} is the dev server's;
 * null lets the provider choose.
 */
public record SandboxSpec(String repo, String ref, String install, String build, String start, Integer port,
    List<OrgFsVolume> orgFs) {

  public SandboxSpec {
    orgFs = orgFs == null ? List.of() : List.copyOf(orgFs);
  }

  public SandboxSpec(String repo, String ref, String install, String build, String start, Integer port) {
    this(repo, ref, install, build, start, port, List.of());
  }

  /** An org volume shown at {@code <org root>/<path>} (the path defaults to the volume's name). */
  public record OrgFsVolume(String volume, String path, boolean readOnly) {}
}
