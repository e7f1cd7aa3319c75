package dev.studio.daemon.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.daemon.DaemonException;
import dev.studio.daemon.process.OutputPump;
import dev.studio.daemon.process.ProcessLauncher;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** Starts, lists and kills the sandbox's long-running commands. */
public final class TaskManager implements AutoCloseable {
  /** Finished tasks beyond this many are forgotten, oldest first. */
  private static final int MAX_FINISHED = 50;

  private final ProcessLauncher launcher;
  private final TaskListener listener;
  private final ObjectMapper json;
  private final Clock clock;
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, Task> tasks = new LinkedHashMap<>();

  public TaskManager(ProcessLauncher launcher, TaskListener listener, ObjectMapper json, Clock clock) {
    this.launcher = launcher;
    this.listener = listener;
    this.json = json;
    this.clock = clock;
  }

  /** Runs {@code command} with {@code bash -lc} in the workspace; stdout and stderr are read as one stream. */
  public Task start(String command, String name, Map<String, String> extraEnv) throws IOException {
    String id = "task-" + ids.incrementAndGet();
    Process process = launcher.shell(command, true, extraEnv);
    Task task = new Task(id, name == null || name.isBlank() ? id : name, command, process, clock.instant());
    synchronized (tasks) {
      tasks.put(id, task);
      forgetOldFinished();
    }
    listener.started(task.info());
    Thread pump = OutputPump.start("task-output-" + id, process.getInputStream(), line -> {
      task.append("output", encode(Map.of("line", line)));
      listener.output(id, line);
    });
    Thread.ofVirtual().name("task-wait-" + id).start(() -> awaitExit(task, pump));
    return task;
  }

  public List<TaskInfo> list() {
    synchronized (tasks) {
      return tasks.values().stream().map(Task::info).toList();
    }
  }

  public Optional<Task> find(String id) {
    synchronized (tasks) {
      return Optional.ofNullable(tasks.get(id));
    }
  }

  public Task get(String id) {
    return find(id).orElseThrow(() -> DaemonException.notFound("task_not_found", "no task with id " + id, Map.of("id", id)));
  }

  /** The running task of that name, if any (the dev server is a task named {@code dev-server}). */
  public Optional<Task> running(String name) {
    synchronized (tasks) {
      return tasks.values().stream().filter(task -> task.running() && task.name().equals(name)).findFirst();
    }
  }

  /** Kills the task's process tree; killing a task that already ended changes nothing. */
  public TaskInfo kill(String id) {
    Task task = get(id);
    task.kill();
    return task.info();
  }

  @Override
  public void close() {
    List<Task> all;
    synchronized (tasks) {
      all = new ArrayList<>(tasks.values());
    }
    all.parallelStream().forEach(Task::kill);
  }

  private void awaitExit(Task task, Thread pump) {
    int code;
    try {
      code = task.process().waitFor();
      // The output pipe may outlive the shell (a background child holds it): wait a little, not forever.
      pump.join(java.time.Duration.ofSeconds(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    TaskInfo info = task.exited(code, clock.instant());
    task.append("exit", encode(Map.of("state", info.state(), "exitCode", code)));
    task.endOutput();
    listener.ended(info);
  }

  private void forgetOldFinished() {
    long finished = tasks.values().stream().filter(task -> !task.running()).count();
    var iterator = tasks.values().iterator();
    while (finished > MAX_FINISHED && iterator.hasNext()) {
      if (!iterator.next().running()) {
        iterator.remove();
        finished--;
      }
    }
  }

  private String encode(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
