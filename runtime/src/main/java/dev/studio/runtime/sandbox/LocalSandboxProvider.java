package dev.studio.runtime.sandbox;

import dev.studio.runtime.Secret;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sandboxes as local daemon processes (development without a cluster, and the desktop case): one
 * daemon per sandbox on free loopback ports, its workspace a temporary directory, its preview at
 * {@code http://<handle>.localhost:<port>/} (browsers send {@code *.localhost} to the loopback).
 * Sandboxes live as long as this process: they are in its memory, and stopped with it.
 */
public final class LocalSandboxProvider implements SandboxProvider {
  private static final Logger log = LoggerFactory.getLogger(LocalSandboxProvider.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private record Running(Process process, Path workspace, DaemonEndpoint endpoint) {}

  private final List<String> daemonCommand;
  private final Path workspaces;
  private final DaemonClient client = new DaemonClient();
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  /** {@code daemonCommand} starts the daemon, e.g. {@code java -jar studio-daemon.jar}. */
  public LocalSandboxProvider(List<String> daemonCommand) {
    this(daemonCommand, null);
  }

  /**
   * As above, each sandbox's workspace {@code <workspaces>/<handle>}, kept when the sandbox stops:
   * on a user's own machine (a desktop link) the workspace is the user's project, not scratch.
   */
  public LocalSandboxProvider(List<String> daemonCommand, Path workspaces) {
    this.daemonCommand = List.copyOf(daemonCommand);
    this.workspaces = workspaces;
  }

  @Override
  public DaemonEndpoint launch(String handle, String owner, SandboxSpec spec) throws Exception {
    if (daemonCommand.isEmpty()) {
      throw new IOException("no sandbox daemon to start: set SANDBOX_DAEMON_COMMAND, or build daemon/ first");
    }
    int control = freePort();
    int preview = freePort();
    byte[] tokenBytes = new byte[32];
    RANDOM.nextBytes(tokenBytes);
    var token = new Secret(Base64.getUrlEncoder().withoutPadding().encodeToString(tokenBytes));
    Path workspace = workspaces == null ? Files.createTempDirectory("sandbox-" + handle + "-")
        : Files.createDirectories(workspaces.resolve(handle));
    var builder = new ProcessBuilder(new ArrayList<>(daemonCommand));
    builder.environment().putAll(Map.of(
        "DAEMON_TOKEN", token.reveal(),
        "DAEMON_WORKSPACE", workspace.toString(),
        "DAEMON_BIND_ADDRESS", "127.0.0.1",
        "DAEMON_CONTROL_PORT", String.valueOf(control),
        "DAEMON_PREVIEW_PORT", String.valueOf(preview),
        "DAEMON_ORGFS_CONFIG", orgFsConfig(workspace).toString()));
    builder.redirectErrorStream(true).redirectOutput(workspace.resolveSibling(workspace.getFileName() + ".log").toFile());
    var endpoint = new DaemonEndpoint(URI.create("http://127.0.0.1:" + control), token,
        "http://" + handle + ".localhost:" + preview + "/", URI.create("http://127.0.0.1:" + preview + "/"),
        workspace.resolve("org").toString());
    var process = builder.start();
    running.put(handle, new Running(process, workspace, endpoint));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!client.healthy(endpoint)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        stop(handle);
        throw new IOException("the sandbox daemon did not start (exit " + (process.isAlive() ? "none" : process.exitValue()) + ")");
      }
      Thread.sleep(100);
    }
    log.info("sandbox {} runs locally (pid {}, preview {})", handle, process.pid(), endpoint.previewUrl());
    return endpoint;
  }

  /** Sandboxes share this machine's ports: each dev server gets a free one unless the project has its own. */
  @Override
  public int devServerPort(SandboxSpec spec) throws IOException {
    return spec.port() != null ? spec.port() : freePort();
  }

  /** Where the daemon writes the org-fs sidecar's configuration, beside the workspace. */
  static Path orgFsConfig(Path workspace) {
    return workspace.resolveSibling(workspace.getFileName() + "-orgfs").resolve("config.json");
  }

  @Override
  public Optional<DaemonEndpoint> endpoint(String handle) {
    return Optional.ofNullable(running.get(handle)).filter(r -> r.process().isAlive()).map(Running::endpoint);
  }

  @Override
  public void stop(String handle) {
    var sandbox = running.remove(handle);
    if (sandbox == null) {
      return;
    }
    // The daemon's own SIGTERM path ends its tasks (the dev server) with it.
    sandbox.process().destroy();
    try {
      if (!sandbox.process().waitFor(15, TimeUnit.SECONDS)) {
        sandbox.process().descendants().forEach(ProcessHandle::destroyForcibly);
        sandbox.process().destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (workspaces == null) {
      deleteTree(sandbox.workspace());
    }
    deleteTree(orgFsConfig(sandbox.workspace()).getParent());
  }

  @Override
  public void close() {
    List.copyOf(running.keySet()).forEach(this::stop);
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      log.warn("cannot remove sandbox workspace {}: {}", root, e.getMessage());
    }
  }
}
