package dev.studio.e2e.process;

import dev.studio.daemon.DaemonMain;
import dev.studio.orgfs.SidecarMain;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A bare pod the operator created (a sandbox: the daemon and the org-fs sidecar) run as local
 * processes from the built jars. The pod has an address of its own ({@link ClusterNetwork}): its
 * containers listen there on the ports they declare, as they would on the pod IP; paths under
 * the pod's mounts (the workspace, the org-fs run directory, /tmp) are the pod's own directories.
 * Ready when the first container's readiness probe answers.
 */
final class SandboxPod implements AutoCloseable {

  final String name;
  final String address;
  final Map<String, String> labels;
  private final Path dir;
  private final List<Process> processes = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final URI readiness;

  private SandboxPod(Pod pod, String address, Path dir) {
    this.name = pod.getMetadata().getName();
    this.address = address;
    this.labels = pod.getMetadata().getLabels() == null ? Map.of() : Map.copyOf(pod.getMetadata().getLabels());
    this.dir = dir;
    this.readiness = readiness(pod.getSpec().getContainers().get(0), address);
  }

  static SandboxPod start(Pod pod, String address, LocalPod.Cluster cluster) throws IOException {
    var local = new SandboxPod(pod, address, Files.createTempDirectory("sandbox-pod-" + pod.getMetadata().getName() + "-"));
    var volumes = PodVolumes.create(local.dir, pod.getSpec().getVolumes(), cluster.configMaps());
    for (Container container : pod.getSpec().getContainers()) {
      local.run(container, volumes, cluster);
    }
    return local;
  }

  private void run(Container container, PodVolumes volumes, LocalPod.Cluster cluster) throws IOException {
    String main;
    if (container.getImage().contains("studio-daemon")) {
      main = DaemonMain.class.getName();
    } else if (container.getImage().contains("studio-sidecar-orgfs")) {
      main = SidecarMain.class.getName();
    } else {
      problems.add("process mode cannot run image " + container.getImage());
      return;
    }
    var env = PodEnv.of(container, name, cluster.namespace(), cluster.secrets(), cluster.configMaps());
    env.replaceAll((key, value) -> volumes.local(container, value));
    // Listening on 0.0.0.0 in a pod means its own address; here that address is the pod's loopback one.
    env.put("DAEMON_BIND_ADDRESS", address);
    Files.createDirectories(Path.of(env.getOrDefault("HOME", dir.resolve("home").toString())));
    var command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx192m", "-cp",
        System.getProperty("java.class.path"), main);
    var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(container.getName() + ".log").toFile());
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv("PATH"));
    builder.environment().putAll(env);
    processes.add(builder.start());
  }

  boolean ready() {
    if (!problems.isEmpty() || processes.stream().anyMatch(p -> !p.isAlive())) {
      return false;
    }
    return ReadinessProbe.passes(readiness);
  }

  List<String> problems() {
    var all = new ArrayList<>(problems);
    for (Process process : processes) {
      if (!process.isAlive()) {
        all.add("a container of " + name + " exited " + process.exitValue() + " (logs in " + dir + ")");
      }
    }
    return all;
  }

  /** The probe's port by name (what the container declares) or number, at the pod's address. */
  private static URI readiness(Container container, String address) {
    var probe = container.getReadinessProbe() == null ? null : container.getReadinessProbe().getHttpGet();
    if (probe == null) {
      return URI.create("http://" + address + ":" + container.getPorts().get(0).getContainerPort() + "/");
    }
    int port = probe.getPort().getIntVal() != null ? probe.getPort().getIntVal()
        : container.getPorts().stream().filter(p -> probe.getPort().getStrVal().equals(p.getName())).findFirst().orElseThrow()
            .getContainerPort();
    return URI.create("http://" + address + ":" + port + probe.getPath());
  }

  @Override
  public void close() {
    processes.forEach(Process::destroy);
    for (Process process : processes) {
      try {
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    // The dev server the daemon started lives in a process group of its own; the daemon stops it on SIGTERM.
    processes.clear();
  }
}
