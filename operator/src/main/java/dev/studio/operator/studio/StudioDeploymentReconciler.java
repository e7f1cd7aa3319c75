package dev.studio.operator.studio;

import dev.studio.crd.v1alpha1.Condition;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.StudioDeploymentStatus;
import dev.studio.operator.GatewayApi;
import dev.studio.operator.Images;
import dev.studio.operator.manifest.Labels;
import dev.studio.operator.status.Backoff;
import dev.studio.operator.status.Conditions;
import dev.studio.operator.status.DeploymentState;
import dev.studio.operator.status.EventRecorder;
import dev.studio.operator.status.Readiness;
import dev.studio.operator.status.StatusWrites;
import dev.studio.operator.studio.StudioDependents.ApiBudget;
import dev.studio.operator.studio.StudioDependents.ApiDeployment;
import dev.studio.operator.studio.StudioDependents.ApiRole;
import dev.studio.operator.studio.StudioDependents.ApiRoleBinding;
import dev.studio.operator.studio.StudioDependents.ApiService;
import dev.studio.operator.studio.StudioDependents.ApiServiceAccount;
import dev.studio.operator.studio.StudioDependents.FrontDoorRoute;
import dev.studio.operator.studio.StudioDependents.GatewayApiInstalled;
import dev.studio.operator.studio.StudioDependents.GatewayRequested;
import dev.studio.operator.studio.StudioDependents.GeneratedSecret;
import dev.studio.operator.studio.StudioDependents.RuntimeConfigMap;
import dev.studio.operator.studio.StudioDependents.WebBudget;
import dev.studio.operator.studio.StudioDependents.WebConfigMap;
import dev.studio.operator.studio.StudioDependents.WebDeployment;
import dev.studio.operator.studio.StudioDependents.WebService;
import dev.studio.operator.studio.StudioDependents.WorkerBudget;
import dev.studio.operator.studio.StudioDependents.WorkerDeployment;
import dev.studio.operator.sandbox.WarmPoolReconciler;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reconciles a StudioDeployment into its web, api and worker tiers.
 *
 * <p>First it checks that every Secret the spec refers to exists with its key; if one does not,
 * nothing is rolled out (pods could not start), the status says which, an Event is recorded once,
 * and the check is repeated with a growing backoff. Then the workflow below creates or corrects
 * every child; then the status is computed from the Deployments and written only if it changed.
 */
@ControllerConfiguration(name = StudioDeploymentReconciler.NAME)
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(name = "runtime-config", type = RuntimeConfigMap.class, useEventSourceWithName = StudioDeploymentReconciler.CONFIG_MAPS),
      @Dependent(name = "web-config", type = WebConfigMap.class, useEventSourceWithName = StudioDeploymentReconciler.CONFIG_MAPS),
      @Dependent(name = "generated-secret", type = GeneratedSecret.class),
      @Dependent(name = "api-service-account", type = ApiServiceAccount.class),
      @Dependent(name = "api-role", type = ApiRole.class),
      @Dependent(name = "api-role-binding", type = ApiRoleBinding.class, dependsOn = {"api-role", "api-service-account"}),
      @Dependent(name = "api-service", type = ApiService.class, useEventSourceWithName = StudioDeploymentReconciler.SERVICES),
      @Dependent(name = "web-service", type = WebService.class, useEventSourceWithName = StudioDeploymentReconciler.SERVICES),
      @Dependent(
          name = "api",
          type = ApiDeployment.class,
          dependsOn = {"runtime-config", "generated-secret", "api-role-binding"},
          useEventSourceWithName = StudioDeploymentReconciler.DEPLOYMENTS),
      @Dependent(
          name = "worker",
          type = WorkerDeployment.class,
          dependsOn = {"runtime-config", "generated-secret"},
          useEventSourceWithName = StudioDeploymentReconciler.DEPLOYMENTS),
      @Dependent(
          name = "web",
          type = WebDeployment.class,
          dependsOn = {"web-config", "api-service"},
          useEventSourceWithName = StudioDeploymentReconciler.DEPLOYMENTS),
      @Dependent(name = "web-budget", type = WebBudget.class, useEventSourceWithName = StudioDeploymentReconciler.BUDGETS),
      @Dependent(name = "api-budget", type = ApiBudget.class, useEventSourceWithName = StudioDeploymentReconciler.BUDGETS),
      @Dependent(name = "worker-budget", type = WorkerBudget.class, useEventSourceWithName = StudioDeploymentReconciler.BUDGETS),
      @Dependent(
          name = "front-door",
          type = FrontDoorRoute.class,
          dependsOn = {"web-service"},
          activationCondition = GatewayApiInstalled.class,
          reconcilePrecondition = GatewayRequested.class)
    })
public class StudioDeploymentReconciler implements Reconciler<StudioDeployment> {
  public static final String NAME = "studiodeployment";
  static final String DEPLOYMENTS = "studio-deployments";
  static final String CONFIG_MAPS = "studio-configmaps";
  static final String SERVICES = "studio-services";
  static final String BUDGETS = "studio-budgets";

  public static final String REASON_SECRET_NOT_FOUND = "SecretNotFound";
  public static final String REASON_RECONCILE_FAILED = "ReconcileFailed";
  public static final String FRONT_DOOR_ROUTE = "FrontDoorRoute";

  static final String WARM_PODS = "studio-warm-pods";

  private final Images images;
  private final GatewayApi gatewayApi;
  private final EventRecorder events;

  public StudioDeploymentReconciler(Images images, GatewayApi gatewayApi, EventRecorder events) {
    this.images = images;
    this.gatewayApi = gatewayApi;
    this.events = events;
  }

  @Override
  public List<EventSource<?, StudioDeployment>> prepareEventSources(EventSourceContext<StudioDeployment> context) {
    return List.of(
        informer(context, Deployment.class, DEPLOYMENTS),
        informer(context, ConfigMap.class, CONFIG_MAPS),
        informer(context, Service.class, SERVICES),
        informer(context, PodDisruptionBudget.class, BUDGETS),
        WarmPoolReconciler.sandboxPods(context, WARM_PODS));
  }

  private static <R extends HasMetadata> InformerEventSource<R, StudioDeployment> informer(
      EventSourceContext<StudioDeployment> context, Class<R> type, String name) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, StudioDeployment.class)
            .withName(name)
            .withLabelSelector(Labels.MANAGED_SELECTOR)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(StudioDeployment.class, false))
            .build(),
        context);
  }

  @Override
  public UpdateControl<StudioDeployment> reconcile(StudioDeployment studio, Context<StudioDeployment> context) {
    Instant now = Instant.now();
    List<String> missing = SecretReferences.missing(studio, context.getClient());
    if (!missing.isEmpty()) {
      return blockedOnSecrets(studio, context, String.join("; ", missing), now);
    }

    var workflowContext = context.managedWorkflowAndDependentResourceContext();
    workflowContext.put(Images.class, images);
    workflowContext.put(GatewayApi.class, gatewayApi);
    workflowContext.reconcileManagedWorkflow().throwAggregateExceptionIfErrorsPresent();

    var web = deploymentState(context, StudioNames.web(studio), studio.getSpec().web().replicas());
    var api = deploymentState(context, StudioNames.api(studio), studio.getSpec().api().replicas());
    var worker = deploymentState(context, StudioNames.worker(studio), studio.getSpec().worker().replicas());

    List<Condition> conditions = new ArrayList<>(Readiness.of(List.of(web, api, worker)));
    boolean waitingForGatewayApi = false;
    if (studio.getSpec().gateway() != null) {
      if (gatewayApi.installed()) {
        conditions.add(Conditions.of(FRONT_DOOR_ROUTE, true, "Created", "HTTPRoute " + StudioNames.frontDoorRoute(studio) + " routes " + RuntimeEnvironment.publicUrl(studio) + " to the web tier."));
      } else {
        waitingForGatewayApi = true;
        conditions.add(Conditions.of(FRONT_DOOR_ROUTE, false, "GatewayAPINotInstalled", "The Gateway API CRDs (" + GatewayApi.HTTPROUTE_CRD + ") are not installed, so no front-door HTTPRoute was created; the web Service " + StudioNames.web(studio) + " is still reachable."));
      }
    }

    var status = status(studio, conditions, web, api, worker, WarmPoolReconciler.status(studio, context.getSecondaryResources(Pod.class)), now);
    if (becameReady(studio.getStatus(), status)) {
      events.normal(studio, "Ready", "All tiers are ready at " + status.url());
    }
    var control = StatusWrites.writeIfChanged(studio, context, status);
    return waitingForGatewayApi ? control.rescheduleAfter(GatewayApi.RECHECK) : control;
  }

  @Override
  public ErrorStatusUpdateControl<StudioDeployment> updateErrorStatus(
      StudioDeployment studio, Context<StudioDeployment> context, Exception e) {
    var previous = previousConditions(studio).stream().filter(c -> !c.type().equals(Condition.DEGRADED)).toList();
    List<Condition> conditions = new ArrayList<>(previous.isEmpty()
        ? List.of(Conditions.unknown(Condition.READY, REASON_RECONCILE_FAILED, "Not reconciled yet."))
        : previous);
    conditions.add(Conditions.of(Condition.DEGRADED, true, REASON_RECONCILE_FAILED, rootMessage(e)));
    var old = studio.getStatus();
    StatusWrites.write(studio, context, new StudioDeploymentStatus(
        studio.getMetadata().getGeneration(),
        Conditions.settle(previousConditions(studio), conditions, studio.getMetadata().getGeneration(), Instant.now()),
        old == null ? null : old.web(),
        old == null ? null : old.api(),
        old == null ? null : old.worker(),
        RuntimeEnvironment.publicUrl(studio),
        old == null ? null : old.warmPool()));
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  private UpdateControl<StudioDeployment> blockedOnSecrets(StudioDeployment studio, Context<StudioDeployment> context, String message, Instant now) {
    var previousReady = studio.getStatus() == null ? Optional.<Condition>empty() : studio.getStatus().condition(Condition.READY);
    boolean sameProblem = previousReady.map(c -> REASON_SECRET_NOT_FOUND.equals(c.reason()) && message.equals(c.message())).orElse(false);
    if (!sameProblem) {
      events.warning(studio, REASON_SECRET_NOT_FOUND, message);
    }
    Instant stuckSince =
        previousReady
            .filter(c -> REASON_SECRET_NOT_FOUND.equals(c.reason()) && c.lastTransitionTime() != null)
            .map(c -> Instant.parse(c.lastTransitionTime()))
            .orElse(now);
    var old = studio.getStatus();
    var status = new StudioDeploymentStatus(
        studio.getMetadata().getGeneration(),
        Conditions.settle(previousConditions(studio), Readiness.blocked(REASON_SECRET_NOT_FOUND, message), studio.getMetadata().getGeneration(), now),
        old == null ? null : old.web(),
        old == null ? null : old.api(),
        old == null ? null : old.worker(),
        RuntimeEnvironment.publicUrl(studio),
        old == null ? null : old.warmPool());
    return StatusWrites.writeIfChanged(studio, context, status).rescheduleAfter(Backoff.after(stuckSince, now));
  }

  private static StudioDeploymentStatus status(StudioDeployment studio, List<Condition> conditions, DeploymentState web,
      DeploymentState api, DeploymentState worker, StudioDeploymentStatus.WarmPoolStatus warmPool, Instant now) {
    long generation = studio.getMetadata().getGeneration();
    return new StudioDeploymentStatus(
        generation,
        Conditions.settle(previousConditions(studio), conditions, generation, now),
        web.replicaStatus(),
        api.replicaStatus(),
        worker.replicaStatus(),
        RuntimeEnvironment.publicUrl(studio),
        warmPool);
  }

  private static boolean becameReady(StudioDeploymentStatus before, StudioDeploymentStatus after) {
    boolean wasReady = before != null && before.condition(Condition.READY).map(Condition::isTrue).orElse(false);
    return !wasReady && after.condition(Condition.READY).map(Condition::isTrue).orElse(false);
  }

  private static List<Condition> previousConditions(StudioDeployment studio) {
    return studio.getStatus() == null ? List.of() : studio.getStatus().conditions();
  }

  private static DeploymentState deploymentState(Context<StudioDeployment> context, String name, int desired) {
    return context.getSecondaryResources(Deployment.class).stream()
        .filter(d -> d.getMetadata().getName().equals(name))
        .findFirst()
        .map(DeploymentState::of)
        .orElse(DeploymentState.missing(name, desired));
  }

  static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    return message.length() > 1024 ? message.substring(0, 1024) + "..." : message;
  }
}
