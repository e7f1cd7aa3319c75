package dev.studio.runtime.dispatch;

import java.util.function.Supplier;

/** Executes a claimed run (the agent loop implements it); dispatch only moves runs around. */
public interface RunExecutor {

  /** What dispatch should do with the run afterwards. */
  enum Disposition {
    /** It ended (or was already over): take it out of Redis, hand its thread to the next run. */
    FINISHED,
    /** This worker let go (lease lost, shutting down): whoever owns it next decides. */
    HANDED_BACK
  }

  /**
   * @param stop why the worker must stop now (cancelled, lease lost, shutting down), or null
   */
  Disposition execute(QueuedRun run, Supplier<String> stop) throws InterruptedException;
}
