package dev.studio.daemon.tasks;

import dev.studio.daemon.events.ReplayLog;
import dev.studio.daemon.events.Subscription;
import dev.studio.daemon.events.TooManySubscribersException;
import dev.studio.daemon.process.ProcessTree;
import java.time.Duration;
import java.time.Instant;

/**
 * A long-running command (a dev server, a watcher) and the recent part of its output, which readers of its stream
 * get replayed before the live lines.
 */
public final class Task {
  /** Output kept for replay, per task. */
  static final long REPLAY_BYTES = 256 * 1024;
  private static final int MAX_READERS = 20;
  private static final int READER_QUEUE = 4096;
  private static final Duration KILL_GRACE = Duration.ofSeconds(3);

  enum State { RUNNING, EXITED, KILLED }

  private final String id;
  private final String name;
  private final String command;
  private final Process process;
  private final Instant startedAt;
  private final ReplayLog output = new ReplayLog(REPLAY_BYTES, MAX_READERS, READER_QUEUE);
  private volatile State state = State.RUNNING;
  private volatile Integer exitCode;
  private volatile Instant endedAt;

  Task(String id, String name, String command, Process process, Instant startedAt) {
    this.id = id;
    this.name = name;
    this.command = command;
    this.process = process;
    this.startedAt = startedAt;
  }

  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  public boolean running() {
    return state == State.RUNNING;
  }

  /** Follows the task's output from the start of what is retained; ends when the task does. */
  public Subscription follow() throws TooManySubscribersException {
    return output.subscribe(0);
  }

  public TaskInfo info() {
    return new TaskInfo(id, name, command, state.name().toLowerCase(java.util.Locale.ROOT), exitCode,
        startedAt.toString(), endedAt == null ? null : endedAt.toString());
  }

  Process process() {
    return process;
  }

  void append(String type, String json) {
    output.append(type, json);
  }

  /** Records the exit once the process is gone and its output drained. */
  synchronized TaskInfo exited(int code, Instant at) {
    exitCode = code;
    endedAt = at;
    if (state == State.RUNNING) {
      state = State.EXITED;
    }
    return info();
  }

  /** No more output will come: readers of the stream get the rest, then the end. */
  void endOutput() {
    output.close();
  }

  /** Ends the process tree: SIGTERM, then SIGKILL after a grace period. */
  void kill() {
    synchronized (this) {
      if (state != State.RUNNING) {
        return;
      }
      state = State.KILLED;
    }
    ProcessTree.terminate(process, KILL_GRACE);
  }
}
