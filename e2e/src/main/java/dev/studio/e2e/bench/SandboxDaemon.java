package dev.studio.e2e.bench;

import dev.studio.daemon.DaemonMain;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The sandbox daemon in a process of its own, as in a sandbox pod, on free local ports. */
final class SandboxDaemon implements AutoCloseable {
  final int controlPort;
  final int previewPort;
  private final String token = "bench-" + UUID.randomUUID();
  private final Process process;
  private final HttpClient http = HttpClient.newHttpClient();

  SandboxDaemon(Path workspace) throws Exception {
    controlPort = freePort();
    previewPort = freePort();
    String java = ProcessHandle.current().info().command().orElse("java");
    // -XX:+UseSerialGC as in the daemon's image (daemon/pom.xml, jvmFlags).
    var builder = new ProcessBuilder(java, "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), DaemonMain.class.getName());
    builder.environment().putAll(Map.of("DAEMON_TOKEN", token, "DAEMON_WORKSPACE", workspace.toString(),
        "DAEMON_BIND_ADDRESS", "127.0.0.1", "DAEMON_CONTROL_PORT", String.valueOf(controlPort),
        "DAEMON_PREVIEW_PORT", String.valueOf(previewPort)));
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    process = builder.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        if (get("/health").statusCode() == 200) {
          break;
        }
      } catch (IOException notYet) {
        // Still starting.
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("the daemon did not start");
      }
      Thread.sleep(100);
    }
  }

  /** A control call with the daemon's token; throws unless it answers 2xx. */
  String post(String path, String json) throws Exception {
    var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controlPort + path))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controlPort + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Runs a command to its end; returns its standard output. */
  static String run(List<String> command, Duration timeout) throws Exception {
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() > 1) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + new String(out));
    }
    return new String(out);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
