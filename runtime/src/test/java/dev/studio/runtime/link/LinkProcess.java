package dev.studio.runtime.link;

import dev.studio.runtime.RuntimeMain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The link program in a JVM of its own, as a user starts it on their machine: {@code RuntimeMain
 * link --url ... --workspace ...} with the token in STUDIO_TOKEN, on the test's class path.
 */
final class LinkProcess implements AutoCloseable {
  private final Process process;
  private final List<String> log = new CopyOnWriteArrayList<>();

  private LinkProcess(Process process) {
    this.process = process;
    // A platform thread: a blocking pipe read would pin a virtual thread's carrier.
    Thread.ofPlatform().daemon().name("link-log").start(() -> {
      try (var reader = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          log.add(line);
        }
      } catch (Exception ignored) {
        // The process ended.
      }
    });
  }

  static LinkProcess start(String url, String token, Path workspace, List<String> daemonCommand) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var command = new ArrayList<>(List.of(java, "-Xmx192m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        RuntimeMain.class.getName(), "link", "--url", url, "--workspace", workspace.toString(), "--poll-seconds", "2"));
    var builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv("PATH"));
    builder.environment().put("HOME", System.getProperty("java.io.tmpdir"));
    builder.environment().putAll(Map.of("STUDIO_TOKEN", token, "SANDBOX_DAEMON_COMMAND", String.join(" ", daemonCommand)));
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    try {
      return new LinkProcess(builder.start());
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the link process", e);
    }
  }

  List<String> log() {
    return List.copyOf(log);
  }

  boolean alive() {
    return process.isAlive();
  }

  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the link process did not exit: " + String.join("\n", log));
    }
    return process.exitValue();
  }

  /**
   * SIGKILL, as when the laptop dies: no goodbye, no clean-up. Its sandbox daemon (a child
   * process, orphaned by the kill) is killed too, as the machine going away would.
   */
  void kill() {
    var children = process.descendants().toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
