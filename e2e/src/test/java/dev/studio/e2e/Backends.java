package dev.studio.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Which backends the scenarios run on here, and why the others do not: printed once per run. */
final class Backends {
  static final String KUBECONFIG = "e2e.kubeconfig";
  private static boolean reported;

  private Backends() {}

  static synchronized void report() {
    if (reported) {
      return;
    }
    reported = true;
    String kubeconfig = System.getProperty(KUBECONFIG, "");
    boolean docker = Files.exists(Path.of("/var/run/docker.sock"));
    System.out.println("e2e backends:");
    System.out.println("  process mode: runs (fabric8 mock API server, the real operator, pods as local processes"
        + (dev.studio.e2e.process.Nginx.installed().isPresent() ? ", nginx for the web tier)" : ", the web tier's Java stand-in: nginx is not installed)"));
    System.out.println("  real cluster: " + (kubeconfig.isBlank()
        ? "not run: no -D" + KUBECONFIG + "=<file> given"
        : "runs against the cluster of " + kubeconfig));
    System.out.println("  k3s through Testcontainers: not run: " + (docker
        ? "not built yet; use -D" + KUBECONFIG + " with a k3s or kind cluster"
        : "no Docker engine here (/var/run/docker.sock is absent)"));
  }
}
