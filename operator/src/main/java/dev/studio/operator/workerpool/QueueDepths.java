package dev.studio.operator.workerpool;

import dev.studio.crd.v1alpha1.StudioDeployment;
import java.util.Map;
import java.util.Optional;

/** Runs waiting and running per queue of a platform, as its api reports them. */
public interface QueueDepths {

  /** One queue: runs waiting, runs being executed. */
  record Depth(long queued, long running) {}

  /** Empty (with the reason logged) when the api cannot be asked now. */
  Optional<Map<String, Depth>> of(StudioDeployment studio);
}
