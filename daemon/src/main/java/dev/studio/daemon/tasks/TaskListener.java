package dev.studio.daemon.tasks;

/** Hears what tasks do, to announce it on the daemon's event stream. */
public interface TaskListener {
  void started(TaskInfo task);

  void output(String taskId, String line);

  void ended(TaskInfo task);
}
