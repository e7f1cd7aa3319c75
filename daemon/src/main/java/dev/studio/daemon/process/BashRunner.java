package dev.studio.daemon.process;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one shell command to completion (or to its timeout) and returns its capped output. */
public final class BashRunner {
  /** Each of stdout and stderr is kept up to this many bytes. */
  public static final int OUTPUT_CAP = 1024 * 1024;
  /** How long the output pipes may stay open after the shell exited (a background child holding them). */
  private static final Duration DRAIN_AFTER_EXIT = Duration.ofMillis(500);

  private final ProcessLauncher launcher;

  public BashRunner(ProcessLauncher launcher) {
    this.launcher = launcher;
  }

  public BashResult run(String command, Duration timeout) throws IOException, InterruptedException {
    long started = System.nanoTime();
    Process process = launcher.shell(command, false, Map.of());
    CappedOutput stdout = new CappedOutput(OUTPUT_CAP);
    CappedOutput stderr = new CappedOutput(OUTPUT_CAP);
    Thread out = Thread.ofVirtual().name("bash-stdout-" + process.pid()).start(() -> stdout.drain(process.getInputStream()));
    Thread err = Thread.ofVirtual().name("bash-stderr-" + process.pid()).start(() -> stderr.drain(process.getErrorStream()));
    boolean finished;
    try {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      ProcessTree.kill(process);
      throw e;
    }
    if (!finished) {
      ProcessTree.kill(process);
      process.waitFor(5, TimeUnit.SECONDS);
    }
    out.join(DRAIN_AFTER_EXIT);
    err.join(DRAIN_AFTER_EXIT);
    Integer exitCode = process.isAlive() ? null : process.exitValue();
    long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    return new BashResult(exitCode, stdout.text(), stderr.text(), !finished,
        stdout.truncated() || stderr.truncated(), durationMs);
  }
}
