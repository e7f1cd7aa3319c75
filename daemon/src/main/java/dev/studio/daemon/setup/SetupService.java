package dev.studio.daemon.setup;

import dev.studio.daemon.DaemonException;
import dev.studio.daemon.claim.ClaimConfig;
import dev.studio.daemon.events.EventBus;
import dev.studio.daemon.git.GitService;
import dev.studio.daemon.process.OutputPump;
import dev.studio.daemon.process.ProcessLauncher;
import dev.studio.daemon.process.ProcessTree;
import dev.studio.daemon.tasks.Task;
import dev.studio.daemon.tasks.TaskManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Runs the setup phases: clone the configured repository, run its install and build commands, start its dev
 * server. Each phase reports on {@code /events}: {@code setup.started}, {@code setup.output} lines, then
 * {@code setup.succeeded}, {@code setup.failed} or {@code setup.skipped}; once the dev server accepts connections,
 * {@code devserver.ready}.
 */
public final class SetupService {
  public static final String DEV_SERVER_TASK = "dev-server";
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(30);
  /** How long a dev server may take to open its port (the reference platform waits 180 s for readiness). */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

  private final Supplier<ClaimConfig> config;
  private final GitService git;
  private final ProcessLauncher launcher;
  private final TaskManager tasks;
  private final EventBus events;
  private final ReentrantLock oneAtATime = new ReentrantLock();

  public SetupService(Supplier<ClaimConfig> config, GitService git, ProcessLauncher launcher, TaskManager tasks, EventBus events) {
    this.config = config;
    this.git = git;
    this.launcher = launcher;
    this.tasks = tasks;
    this.events = events;
  }

  /** Runs one phase to its end (for {@code start}: until the dev server is launched). One phase at a time. */
  public PhaseResult run(SetupPhase phase) {
    if (!oneAtATime.tryLock()) {
      throw DaemonException.conflict("setup_busy", "another setup phase is running", Map.of("phase", phase.id()));
    }
    try {
      ClaimConfig claim = config.get();
      return switch (phase) {
        case CLONE -> cloneRepository(claim);
        case INSTALL -> runCommand(phase, claim.install(), claim);
        case BUILD -> runCommand(phase, claim.build(), claim);
        case START -> startDevServer(claim);
      };
    } finally {
      oneAtATime.unlock();
    }
  }

  private PhaseResult cloneRepository(ClaimConfig claim) {
    SetupPhase phase = SetupPhase.CLONE;
    if (claim.repo() == null) {
      throw DaemonException.conflict("not_configured", "no repository is configured (POST /_sandbox/config with repo)",
          Map.of("field", "repo"));
    }
    long started = System.nanoTime();
    announce("setup.started", phase, Map.of());
    try {
      git.cloneInto(claim.repo(), claim.ref(), line -> announceOutput(phase, line));
      return succeeded(phase, 0, started);
    } catch (DaemonException e) {
      return failed(phase, null, started, e.getMessage());
    }
  }

  private PhaseResult runCommand(SetupPhase phase, String command, ClaimConfig claim) {
    if (command == null || command.isBlank()) {
      announce("setup.skipped", phase, Map.of("reason", "no " + phase.id() + " command is configured"));
      return new PhaseResult(phase.id(), "skipped", null, 0, null, "no " + phase.id() + " command is configured");
    }
    long started = System.nanoTime();
    announce("setup.started", phase, Map.of("command", command));
    try {
      Process process = launcher.shell(command, true, devServerEnv(claim));
      Thread pump = OutputPump.start("setup-" + phase.id(), process.getInputStream(), line -> announceOutput(phase, line));
      if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        ProcessTree.kill(process);
        pump.join(Duration.ofSeconds(1));
        return failed(phase, null, started, phase.id() + " timed out after " + COMMAND_TIMEOUT.toMinutes() + " minutes");
      }
      pump.join(Duration.ofSeconds(2));
      int exitCode = process.exitValue();
      return exitCode == 0 ? succeeded(phase, 0, started) : failed(phase, exitCode, started, phase.id() + " exited with " + exitCode);
    } catch (IOException e) {
      return failed(phase, null, started, "cannot run the command: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(phase, null, started, "interrupted");
    }
  }

  /** (Re)starts the dev server as the task {@value #DEV_SERVER_TASK}; a running one is stopped first. */
  private PhaseResult startDevServer(ClaimConfig claim) {
    SetupPhase phase = SetupPhase.START;
    if (claim.start() == null || claim.start().isBlank()) {
      throw DaemonException.conflict("not_configured", "no start command is configured (POST /_sandbox/config with start)",
          Map.of("field", "start"));
    }
    long started = System.nanoTime();
    announce("setup.started", phase, Map.of("command", claim.start()));
    tasks.running(DEV_SERVER_TASK).ifPresent(old -> tasks.kill(old.id()));
    Task task;
    try {
      task = tasks.start(claim.start(), DEV_SERVER_TASK, devServerEnv(claim));
    } catch (IOException e) {
      return failed(phase, null, started, "cannot run the command: " + e.getMessage());
    }
    long durationMs = elapsedMs(started);
    announce("setup.succeeded", phase, Map.of("taskId", task.id(), "durationMs", durationMs));
    claim.devServerPort().ifPresent(port -> Thread.ofVirtual().name("devserver-ready").start(() -> awaitReady(task, port)));
    return new PhaseResult(phase.id(), "started", null, durationMs, task.id(), null);
  }

  /** Announces {@code devserver.ready} once the dev server's port accepts connections. */
  private void awaitReady(Task task, int port) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (task.running() && System.nanoTime() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        events.publish("devserver.ready", Map.of("taskId", task.id(), "port", port));
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** The dev server learns its port from {@code PORT}, as most frameworks read it, unless the claim sets it. */
  private static Map<String, String> devServerEnv(ClaimConfig claim) {
    if (claim.port() == null || claim.env().containsKey("PORT")) {
      return Map.of();
    }
    return Map.of("PORT", String.valueOf(claim.port()));
  }

  private PhaseResult succeeded(SetupPhase phase, int exitCode, long started) {
    long durationMs = elapsedMs(started);
    announce("setup.succeeded", phase, Map.of("exitCode", exitCode, "durationMs", durationMs));
    return new PhaseResult(phase.id(), "succeeded", exitCode, durationMs, null, null);
  }

  private PhaseResult failed(SetupPhase phase, Integer exitCode, long started, String message) {
    long durationMs = elapsedMs(started);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("exitCode", exitCode);
    data.put("durationMs", durationMs);
    data.put("error", message);
    announce("setup.failed", phase, data);
    return new PhaseResult(phase.id(), "failed", exitCode, durationMs, null, message);
  }

  private void announceOutput(SetupPhase phase, String line) {
    announce("setup.output", phase, Map.of("line", line));
  }

  private void announce(String type, SetupPhase phase, Map<String, Object> fields) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("phase", phase.id());
    data.putAll(fields);
    events.publish(type, data);
  }

  private static long elapsedMs(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }
}
