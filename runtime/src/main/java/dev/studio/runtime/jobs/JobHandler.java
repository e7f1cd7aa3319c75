package dev.studio.runtime.jobs;

/**
 * Handles jobs of one kind. It must tolerate running a job again (a worker may die after the work
 * but before the acknowledgement): use the job's id or dedupe key to make repeats harmless.
 */
public interface JobHandler {
  String kind();

  /** Throwing leaves the job unacknowledged: it is delivered again later. */
  void handle(Job job) throws Exception;
}
