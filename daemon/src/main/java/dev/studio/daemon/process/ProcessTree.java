package dev.studio.daemon.process;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ends a process and everything it started: its process group (it leads one, see {@link ProcessLauncher}) and
 * every descendant still known to be its child.
 */
public final class ProcessTree {
  private ProcessTree() {
  }

  /** Asks politely (SIGTERM), waits up to {@code grace}, then kills (SIGKILL) whatever is left. */
  public static void terminate(Process process, Duration grace) {
    List<ProcessHandle> tree = snapshot(process);
    signalGroup(process, "TERM");
    tree.forEach(ProcessHandle::destroy);
    try {
      process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    kill(process, tree);
  }

  /** Kills (SIGKILL) the process, its group and its descendants at once. */
  public static void kill(Process process) {
    kill(process, snapshot(process));
  }

  private static void kill(Process process, List<ProcessHandle> knownTree) {
    List<ProcessHandle> tree = snapshot(process);
    signalGroup(process, "KILL");
    tree.forEach(ProcessHandle::destroyForcibly);
    knownTree.forEach(ProcessHandle::destroyForcibly);
  }

  private static List<ProcessHandle> snapshot(Process process) {
    List<ProcessHandle> tree = new java.util.ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    return tree;
  }

  /** The group id equals the pid, since the process was started as a session leader by {@code setsid}. */
  private static void signalGroup(Process process, String signal) {
    if (!ProcessLauncher.OWN_SESSION) {
      return;
    }
    try {
      Process kill = new ProcessBuilder("bash", "-c", "kill -s " + signal + " -- -" + process.pid() + " 2>/dev/null")
          .redirectErrorStream(true)
          .start();
      kill.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      kill.waitFor(2, TimeUnit.SECONDS);
    } catch (java.io.IOException e) {
      // bash is not there to signal the group: the descendants are still signalled one by one.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
