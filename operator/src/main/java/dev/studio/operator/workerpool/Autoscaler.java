package dev.studio.operator.workerpool;

import dev.studio.crd.v1alpha1.WorkerPoolSpec;
import java.time.Duration;
import java.time.Instant;

/**
 * How many workers a pool needs for the work on its queues: one per {@code
 * targetQueueDepthPerReplica} runs waiting or running, within min and max. Growing happens at once;
 * shrinking only after the need has stayed lower for a while, so a pool does not flap.
 */
public final class Autoscaler {
  private Autoscaler() {}

  /** What the pool should run now, and since when the need has been below the current size. */
  public record Decision(int replicas, Instant lowSince) {}

  public static int need(WorkerPoolSpec.Autoscaling autoscaling, long work) {
    long wanted = (work + autoscaling.targetQueueDepthPerReplica() - 1) / autoscaling.targetQueueDepthPerReplica();
    return (int) Math.max(autoscaling.minReplicas(), Math.min(autoscaling.maxReplicas(), wanted));
  }

  /**
   * @param current replicas the pool runs now
   * @param lowSince when the need first fell below {@code current} (null if it has not)
   */
  public static Decision decide(WorkerPoolSpec.Autoscaling autoscaling, long work, int current, Instant lowSince, Instant now,
      Duration scaleDownAfter) {
    int need = need(autoscaling, work);
    int bounded = Math.max(autoscaling.minReplicas(), Math.min(autoscaling.maxReplicas(), current));
    if (need >= bounded) {
      return new Decision(need, null);
    }
    Instant since = lowSince == null ? now : lowSince;
    return Duration.between(since, now).compareTo(scaleDownAfter) >= 0 ? new Decision(need, null) : new Decision(bounded, since);
  }
}
