package dev.studio.operator.manifest;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.List;

/**
 * The "restricted" Pod Security Standard: non-root, read-only root filesystem, no privilege
 * escalation, every capability dropped, the runtime's default seccomp profile.
 */
public final class Security {
  /** The non-root user of our images (distroless "nonroot"). */
  public static final long RUNTIME_UID = 65532;

  private Security() {}

  public static PodSecurityContext pod(long uid) {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(uid)
        .withRunAsGroup(uid)
        .withFsGroup(uid)
        .withSeccompProfile(runtimeDefault())
        .build();
  }

  public static SecurityContext container() {
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withPrivileged(false)
        .withCapabilities(new Capabilities(null, List.of("ALL")))
        .withSeccompProfile(runtimeDefault())
        .build();
  }

  private static SeccompProfile runtimeDefault() {
    return new SeccompProfile(null, "RuntimeDefault");
  }
}
