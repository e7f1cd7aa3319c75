package dev.studio.operator.workerpool;

import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.WorkerPool;
import dev.studio.crd.v1alpha1.WorkerPoolSpec;
import dev.studio.operator.Images;
import dev.studio.operator.manifest.Labels;
import dev.studio.operator.studio.RuntimeDeployments;
import dev.studio.operator.studio.WorkerTier;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;

/** A WorkerPool's Deployment: the StudioDeployment's worker, narrowed to the pool's queues. */
public final class PoolManifests {
  public static final String COMPONENT = "workerpool";

  private PoolManifests() {}

  public static String deploymentName(WorkerPool pool) {
    return pool.getMetadata().getName() + "-pool";
  }

  /** Selects the pool's pods and no one else's (the scale subresource hands it to HPAs). */
  public static Map<String, String> selector(WorkerPool pool) {
    var selector = Labels.selector(pool.getSpec().studioRef().name(), COMPONENT);
    selector.put(Labels.WORKER_POOL, pool.getMetadata().getName());
    return selector;
  }

  /** Replicas the pool should run: the spec's, kept within the autoscaling bounds if any. */
  public static int replicas(WorkerPoolSpec spec) {
    var autoscaling = spec.autoscaling();
    if (autoscaling == null) {
      return spec.replicas();
    }
    return Math.max(autoscaling.minReplicas(), Math.min(autoscaling.maxReplicas(), spec.replicas()));
  }

  public static Deployment deployment(WorkerPool pool, StudioDeployment studio, Images images) {
    return deployment(pool, studio, images, replicas(pool.getSpec()));
  }

  /** The pool's Deployment with {@code replicas} pods (the autoscaler's figure). */
  public static Deployment deployment(WorkerPool pool, StudioDeployment studio, Images images, int replicas) {
    WorkerPoolSpec spec = pool.getSpec();
    var studioWorker = studio.getSpec().worker();
    var labels = Labels.of(studio.getMetadata().getName(), COMPONENT);
    labels.put(Labels.WORKER_POOL, pool.getMetadata().getName());
    return RuntimeDeployments.build(
        studio,
        images.runtimeFor(studio),
        new RuntimeDeployments.Shape(
            deploymentName(pool),
            labels,
            selector(pool),
            "worker",
            replicas,
            spec.resources() != null ? spec.resources() : studioWorker.resources(),
            WorkerTier.settings(
                spec.queues(),
                spec.maxConcurrentRuns() != null ? spec.maxConcurrentRuns() : studioWorker.maxConcurrentRuns()),
            null));
  }
}
