package dev.studio.runtime.testing;

import dev.studio.runtime.RuntimeMain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** A runtime in a JVM of its own, as a pod runs it: it can be SIGKILLed or SIGTERMed. */
public final class RuntimeProcess implements AutoCloseable {
  private static final Pattern WORKER_ID = Pattern.compile("worker (\\S+) takes runs");
  private static final Pattern PORT = Pattern.compile("serving on :(\\d+)");

  private final Process process;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private volatile String workerId;
  private volatile int port = -1;

  private RuntimeProcess(Process process) {
    this.process = process;
    // A platform thread: a blocking pipe read would pin a virtual thread's carrier, and with two
    // processes on a two-core machine that starves every other virtual thread in this JVM.
    Thread.ofPlatform().daemon().name("runtime-log").start(() -> {
      try (var reader = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          log.add(line);
          var m = WORKER_ID.matcher(line);
          if (m.find()) {
            workerId = m.group(1);
          }
          var p = PORT.matcher(line);
          if (p.find()) {
            port = Integer.parseInt(p.group(1));
          }
        }
      } catch (Exception ignored) {
        // The process ended.
      }
    });
  }

  public static RuntimeProcess start(Map<String, String> env) {
    return start(env, List.of("-Xmx256m"));
  }

  public static RuntimeProcess start(Map<String, String> env, List<String> jvmOptions) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var command = new java.util.ArrayList<String>();
    command.add(java);
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), RuntimeMain.class.getName()));
    var builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv("PATH"));
    builder.environment().putAll(env);
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    try {
      return new RuntimeProcess(builder.start());
    } catch (Exception e) {
      throw new IllegalStateException("cannot start a runtime process", e);
    }
  }

  /** Waits until it serves; returns its worker id (null for an api). */
  public String awaitServing(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (port >= 0) {
        return workerId;
      }
      if (!process.isAlive()) {
        throw new AssertionError("the runtime process exited: " + String.join("\n", log));
      }
      sleep(50);
    }
    throw new AssertionError("the runtime process did not start: " + String.join("\n", log));
  }

  public String workerId() {
    return workerId;
  }

  /** The HTTP port it serves on. */
  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  /** SIGKILL: the process dies at once, no shutdown hook, no clean-up. */
  public void kill() {
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(10));
  }

  /** SIGTERM: the process shuts down gracefully. */
  public void terminate() {
    process.destroy();
  }

  public boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public boolean alive() {
    return process.isAlive();
  }

  public int exitCode() {
    return process.exitValue();
  }

  public List<String> log() {
    return List.copyOf(log);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      waitFor(Duration.ofSeconds(10));
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
