package dev.studio.operator.workerpool;

import dev.studio.crd.v1alpha1.Condition;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.WorkerPool;
import dev.studio.crd.v1alpha1.WorkerPoolStatus;
import dev.studio.operator.Images;
import dev.studio.operator.OperatorConfig;
import dev.studio.operator.manifest.Labels;
import dev.studio.operator.status.Backoff;
import dev.studio.operator.status.Conditions;
import dev.studio.operator.status.DeploymentState;
import dev.studio.operator.status.EventRecorder;
import dev.studio.operator.status.Readiness;
import dev.studio.operator.status.StatusWrites;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reconciles a WorkerPool into a worker Deployment for its queues. The pool takes image,
 * datastores and secrets from the StudioDeployment it names; a change there rolls the pool too.
 */
@ControllerConfiguration(name = WorkerPoolReconciler.NAME)
@Workflow(explicitInvocation = true, dependents = @Dependent(name = "pool", type = PoolDeployment.class))
public class WorkerPoolReconciler implements Reconciler<WorkerPool> {
  public static final String NAME = "workerpool";
  public static final String REASON_STUDIO_NOT_FOUND = "StudioNotFound";
  private static final String BY_STUDIO = "by-studio";

  public static final String AUTOSCALING = "Autoscaling";

  private final Images images;
  private final EventRecorder events;
  private final QueueDepths depths;
  private final OperatorConfig.Autoscaling autoscaling;
  private final Map<ResourceID, Instant> lowSince = new ConcurrentHashMap<>();

  public WorkerPoolReconciler(Images images, EventRecorder events, QueueDepths depths, OperatorConfig.Autoscaling autoscaling) {
    this.images = images;
    this.events = events;
    this.depths = depths;
    this.autoscaling = autoscaling;
  }

  @Override
  public List<EventSource<?, WorkerPool>> prepareEventSources(EventSourceContext<WorkerPool> context) {
    // A change to a StudioDeployment reaches every pool that names it.
    context.getPrimaryCache().addIndexer(BY_STUDIO, pool -> List.of(studioKey(pool.getMetadata().getNamespace(), pool.getSpec().studioRef().name())));
    var studios =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(StudioDeployment.class, WorkerPool.class)
                .withName("studios")
                .withPrimaryToSecondaryMapper(
                    (WorkerPool pool) -> Set.of(new ResourceID(pool.getSpec().studioRef().name(), pool.getMetadata().getNamespace())))
                .withSecondaryToPrimaryMapper(
                    studio ->
                        context.getPrimaryCache()
                            .byIndex(BY_STUDIO, studioKey(studio.getMetadata().getNamespace(), studio.getMetadata().getName()))
                            .stream()
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    return List.of(studios);
  }

  @Override
  public UpdateControl<WorkerPool> reconcile(WorkerPool pool, Context<WorkerPool> context) {
    Instant now = Instant.now();
    var studio = context.getSecondaryResource(StudioDeployment.class);
    if (studio.isEmpty()) {
      String message =
          "StudioDeployment " + pool.getSpec().studioRef().name() + " (spec.studioRef) does not exist in namespace "
              + pool.getMetadata().getNamespace();
      return blocked(pool, context, message, now);
    }

    var deployment =
        context.getSecondaryResources(Deployment.class).stream()
            .filter(d -> d.getMetadata().getName().equals(PoolManifests.deploymentName(pool)))
            .findFirst();
    var scaling = scale(pool, studio.get(), deployment, now);

    var workflow = context.managedWorkflowAndDependentResourceContext();
    workflow.put(StudioDeployment.class, studio.get());
    workflow.put(Images.class, images);
    workflow.put(Replicas.class, new Replicas(scaling.replicas()));
    workflow.reconcileManagedWorkflow().throwAggregateExceptionIfErrorsPresent();
    deployment =
        context.getSecondaryResources(Deployment.class).stream()
            .filter(d -> d.getMetadata().getName().equals(PoolManifests.deploymentName(pool)))
            .findFirst();
    var state =
        deployment.map(DeploymentState::of)
            .orElse(DeploymentState.missing(PoolManifests.deploymentName(pool), scaling.replicas()));
    long generation = generation(pool);
    var previous = pool.getStatus();
    List<Condition> conditions = new ArrayList<>(Readiness.of(List.of(state)));
    if (scaling.condition() != null) {
      conditions.add(scaling.condition());
    }
    var status =
        new WorkerPoolStatus(
            generation,
            Conditions.settle(previousConditions(pool), conditions, generation, now),
            deployment.map(d -> d.getStatus() == null || d.getStatus().getReplicas() == null ? 0 : d.getStatus().getReplicas()).orElse(0),
            state.ready(),
            Labels.asSelectorString(PoolManifests.selector(pool)),
            scaling.queued() != null ? scaling.queued() : previous == null ? null : previous.queueDepth());
    var control = StatusWrites.writeIfChanged(pool, context, status);
    // Queue depth changes make no Kubernetes event: look again on a timer.
    return pool.getSpec().autoscaling() != null ? control.rescheduleAfter(autoscaling.every()) : control;
  }

  /** The replicas the pool gets now, the depth seen, and the Autoscaling condition (if it scales). */
  private record Scaling(int replicas, Long queued, Condition condition) {}

  private Scaling scale(WorkerPool pool, StudioDeployment studio, java.util.Optional<Deployment> deployment, Instant now) {
    var spec = pool.getSpec();
    if (spec.autoscaling() == null) {
      lowSince.remove(ResourceID.fromResource(pool));
      return new Scaling(PoolManifests.replicas(spec), null, null);
    }
    int current = deployment.map(d -> d.getSpec().getReplicas()).orElse(PoolManifests.replicas(spec));
    var depth = depths.of(studio);
    if (depth.isEmpty()) {
      return new Scaling(current, null, Conditions.of(AUTOSCALING, false, "QueueDepthUnavailable",
          "The api of " + studio.getMetadata().getName() + " does not report queue depth now; keeping " + current + " replicas."));
    }
    long queued = 0;
    long running = 0;
    for (String queue : spec.queues()) {
      var lane = depth.get().get(queue);
      if (lane != null) {
        queued += lane.queued();
        running += lane.running();
      }
    }
    var key = ResourceID.fromResource(pool);
    var decision = Autoscaler.decide(spec.autoscaling(), queued + running, current, lowSince.get(key), now, autoscaling.scaleDownAfter());
    if (decision.lowSince() == null) {
      lowSince.remove(key);
    } else {
      lowSince.put(key, decision.lowSince());
    }
    var a = spec.autoscaling();
    return new Scaling(decision.replicas(), queued, Conditions.of(AUTOSCALING, true, "QueueDepth",
        "Scaling on " + String.join(",", spec.queues()) + " between " + a.minReplicas() + " and " + a.maxReplicas() + " replicas, "
            + a.targetQueueDepthPerReplica() + " runs each."));
  }

  private UpdateControl<WorkerPool> blocked(WorkerPool pool, Context<WorkerPool> context, String message, Instant now) {
    var previous = pool.getStatus();
    var previousReady = previous == null ? java.util.Optional.<Condition>empty() : previous.condition(Condition.READY);
    if (previousReady.map(c -> !REASON_STUDIO_NOT_FOUND.equals(c.reason())).orElse(true)) {
      events.warning(pool, REASON_STUDIO_NOT_FOUND, message);
    }
    Instant stuckSince =
        previousReady
            .filter(c -> REASON_STUDIO_NOT_FOUND.equals(c.reason()) && c.lastTransitionTime() != null)
            .map(c -> Instant.parse(c.lastTransitionTime()))
            .orElse(now);
    long generation = generation(pool);
    var status =
        new WorkerPoolStatus(
            generation,
            Conditions.settle(previousConditions(pool), Readiness.blocked(REASON_STUDIO_NOT_FOUND, message), generation, now),
            previous == null ? 0 : previous.replicas(),
            previous == null ? 0 : previous.readyReplicas(),
            Labels.asSelectorString(PoolManifests.selector(pool)),
            previous == null ? null : previous.queueDepth());
    return StatusWrites.writeIfChanged(pool, context, status).rescheduleAfter(Backoff.after(stuckSince, now));
  }

  private static List<Condition> previousConditions(WorkerPool pool) {
    return pool.getStatus() == null ? List.of() : pool.getStatus().conditions();
  }

  private static long generation(WorkerPool pool) {
    return pool.getMetadata().getGeneration() == null ? 0 : pool.getMetadata().getGeneration();
  }

  private static String studioKey(String namespace, String name) {
    return namespace + "/" + name;
  }
}
