package dev.studio.daemon.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The daemon as its own operating-system process, started the way a pod or the local provider starts it. */
public final class DaemonProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("control API on [^:]+:(\\d+), preview on [^:]+:(\\d+)");

  private final Process process;
  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final Thread errReader;
  private final Thread outReader;

  private DaemonProcess(Process process) {
    this.process = process;
    this.errReader = Thread.ofVirtual().start(() -> collect(process.getErrorStream(), stderr));
    this.outReader = Thread.ofVirtual().start(() -> collect(process.getInputStream(), stdout));
  }

  /** {@code java <launch...>} with exactly {@code env}, PATH, and an empty HOME of its own (see RunningDaemon.hermeticEnv). */
  public static DaemonProcess start(List<String> launch, Map<String, String> env) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(launch);
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> environment = builder.environment();
    String path = environment.get("PATH");
    environment.clear();
    environment.put("PATH", path);
    try {
      environment.put("HOME", java.nio.file.Files.createTempDirectory("daemon-home").toString());
      environment.putAll(env);
      return new DaemonProcess(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Launch arguments for the main class on this test run's class path. */
  public static List<String> mainClassOnTestClasspath() {
    return List.of("-cp", System.getProperty("java.class.path"), "dev.studio.daemon.DaemonMain");
  }

  public static List<String> jar(Path jar) {
    return List.of("-jar", jar.toString());
  }

  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the daemon did not exit within " + timeout + "; stderr: " + stderr);
    }
    errReader.join(Duration.ofSeconds(5));
    outReader.join(Duration.ofSeconds(5));
    return process.exitValue();
  }

  /** Waits for the start-up line and returns {control port, preview port}. */
  public int[] awaitListening(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : stderr) {
        Matcher matcher = LISTENING.matcher(line);
        if (matcher.find()) {
          return new int[] {Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2))};
        }
      }
      if (!process.isAlive()) {
        throw new AssertionError("the daemon exited with " + process.exitValue() + ": " + stderr);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the daemon did not report its ports within " + timeout + ": " + stderr);
  }

  /** SIGTERM, as Kubernetes sends when it stops the pod. */
  public void terminate() {
    process.destroy();
  }

  public List<String> stderr() {
    return List.copyOf(stderr);
  }

  public List<String> stdout() {
    return List.copyOf(stdout);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private static void collect(java.io.InputStream in, List<String> lines) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException ignored) {
      // The process ended.
    }
  }
}
