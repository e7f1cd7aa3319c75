package dev.studio.runtime.dispatch;

/** Executes a claimed run (the agent loop implements it); dispatch only moves runs around. */
public interface RunExecutor {

  /** What the executor may ask of dispatch while it runs. */
  interface Control {
    /**
     * Call once the run is taken in PostgreSQL and before its first side effect: from then on a
     * lost worker's run is resumed or interrupted, never simply replayed.
     */
    void markStarted();

    /** Why the worker must stop now (cancelled, lease lost, shutting down), or null to go on. */
    String stopReason();
  }

  /** What dispatch should do with the run afterwards. */
  enum Disposition {
    /** It ended (or was already over): take it out of Redis, hand its thread to the next run. */
    FINISHED,
    /** This worker let go (lease lost, shutting down): whoever owns it next decides. */
    HANDED_BACK
  }

  Disposition execute(QueuedRun run, Control control) throws InterruptedException;
}
