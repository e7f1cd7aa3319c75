package dev.studio.operator.studio;

import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.Images;
import dev.studio.operator.manifest.Labels;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The worker tier of a StudioDeployment (WorkerPools add pools of their own). */
public final class WorkerTier {
  private WorkerTier() {}

  public static Deployment deployment(StudioDeployment studio, Images images) {
    var worker = studio.getSpec().worker();
    String instance = studio.getMetadata().getName();
    return RuntimeDeployments.build(
        studio,
        images.runtimeFor(studio),
        new RuntimeDeployments.Shape(
            StudioNames.worker(studio),
            Labels.of(instance, StudioNames.WORKER),
            Labels.selector(instance, StudioNames.WORKER),
            "worker",
            worker.replicas(),
            worker.resources(),
            settings(worker.listenQueues(), worker.maxConcurrentRuns()),
            null));
  }

  /** The env a worker takes its queues and capacity from. */
  public static Map<String, String> settings(List<String> queues, int maxConcurrentRuns) {
    var settings = new LinkedHashMap<String, String>();
    settings.put("STUDIO_LISTEN_QUEUES", String.join(",", queues));
    settings.put("STUDIO_MAX_CONCURRENT_RUNS", Integer.toString(maxConcurrentRuns));
    return settings;
  }

  public static PodDisruptionBudget budget(StudioDeployment studio) {
    return Budgets.maxOneUnavailable(studio, StudioNames.worker(studio), StudioNames.WORKER);
  }
}
