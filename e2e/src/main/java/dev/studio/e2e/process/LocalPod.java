package dev.studio.e2e.process;

import dev.studio.runtime.RuntimeMain;
import dev.studio.runtime.testing.RuntimeProcess;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * One replica of a Deployment, its containers run as local processes: the runtime image's
 * programs from the runtime's jar (init containers first, to the end), the web container as a real
 * {@link Nginx} running the operator's config where nginx is installed, else as the {@link WebStandIn}. The pod's one HTTP port is {@code port}; volumes are directories of its own.
 */
final class LocalPod implements AutoCloseable {
  private static final Pattern UPSTREAM = Pattern.compile("server\\s+([a-z0-9-]+)\\.[a-z0-9-]+\\.svc:\\d+;");

  final String name;
  final int port;
  private final Path dir;
  private final List<AutoCloseable> running = new ArrayList<>();
  private final String readyPath;
  private final List<String> problems = new ArrayList<>();

  private LocalPod(String name, int port, Path dir, String readyPath) {
    this.name = name;
    this.port = port;
    this.dir = dir;
    this.readyPath = readyPath;
  }

  /** What the pod needs to know of the cluster. */
  record Cluster(String namespace, Function<String, Secret> secrets, Function<String, ConfigMap> configMaps,
      ToIntFunction<String> servicePort, String apiServer, ClusterNetwork network) {}

  static LocalPod start(String name, PodTemplateSpec template, int port, Cluster cluster) throws IOException, InterruptedException {
    var spec = template.getSpec();
    Container main = spec.getContainers().get(0);
    String readyPath = main.getReadinessProbe() != null && main.getReadinessProbe().getHttpGet() != null
        ? main.getReadinessProbe().getHttpGet().getPath() : "/";
    var pod = new LocalPod(name, port, Files.createTempDirectory("pod-" + name + "-"), readyPath);
    PodVolumes volumes = PodVolumes.create(pod.dir, spec.getVolumes(), cluster.configMaps());
    for (Container init : spec.getInitContainers() == null ? List.<Container>of() : spec.getInitContainers()) {
      pod.runToEnd(init, volumes);
    }
    pod.run(main, volumes, cluster);
    return pod;
  }

  /** An init container of the runtime image, e.g. {@code export-web /web}, with its mounts mapped. */
  private void runToEnd(Container init, PodVolumes volumes) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(init.getArgs() == null ? List.of() : init.getArgs());
    for (int i = 0; i < args.size(); i++) {
      Path local = volumes.mounted(init, args.get(i));
      if (local != null) {
        args.set(i, local.toString());
      }
    }
    var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), RuntimeMain.class.getName()));
    command.addAll(args);
    var process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(init.getName() + ".log").toFile()).start();
    if (process.waitFor() != 0) {
      problems.add("init container " + init.getName() + " failed: " + Files.readString(dir.resolve(init.getName() + ".log")));
    }
  }

  private void run(Container main, PodVolumes volumes, Cluster cluster) throws IOException {
    String image = main.getImage();
    if (image.contains("nginx")) {
      String config = Files.readString(Files.list(volumes.mounted(main, "/etc/nginx/conf.d")).findFirst().orElseThrow());
      var upstream = UPSTREAM.matcher(config);
      if (!upstream.find()) {
        problems.add("the web config names no upstream");
        return;
      }
      int upstreamPort = cluster.servicePort().applyAsInt(upstream.group(1));
      Path root = volumes.mounted(main, "/usr/share/nginx/html");
      if (Nginx.installed().isPresent()) {
        running.add(Nginx.start(config, upstreamPort, port, root, Files.createDirectories(dir.resolve("nginx"))));
      } else {
        running.add(new WebStandIn(port, "http://127.0.0.1:" + upstreamPort, root));
      }
    } else if (image.contains("studio-runtime")) {
      var env = PodEnv.of(main, name, cluster.namespace(), cluster.secrets(), cluster.configMaps());
      env.put("STUDIO_HTTP_PORT", Integer.toString(port));
      // What the pod's service account and the cluster's DNS give it in a cluster.
      env.put("KUBERNETES_MASTER", cluster.apiServer());
      env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
      var process = RuntimeProcess.start(env, List.of("-Xmx256m", cluster.network().jvmOption()));
      running.add(process);
    } else {
      problems.add("process mode cannot run image " + image);
    }
  }

  boolean ready() {
    if (!problems.isEmpty()) {
      return false;
    }
    return ReadinessProbe.passes(URI.create("http://127.0.0.1:" + port + readyPath));
  }

  List<String> problems() {
    return List.copyOf(problems);
  }

  @Override
  public void close() {
    for (AutoCloseable process : running) {
      try {
        process.close();
      } catch (Exception ignored) {
        // Gone already.
      }
    }
    running.clear();
  }
}
