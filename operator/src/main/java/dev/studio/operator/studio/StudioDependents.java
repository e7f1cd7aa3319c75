package dev.studio.operator.studio;

import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.GatewayApi;
import dev.studio.operator.Images;
import dev.studio.operator.manifest.Labels;
import dev.studio.operator.manifest.Owners;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.function.Function;

/**
 * The children of a StudioDeployment as JOSDK dependent resources. Each is a thin shell around a
 * pure builder ({@link WebTier}, {@link ApiTier}, {@link WorkerTier}, {@link PlatformConfig},
 * {@link FrontDoor}); the workflow that orders them is declared on {@link
 * StudioDeploymentReconciler}. Children of one type share one informer, scoped by label to what
 * this operator manages.
 */
public final class StudioDependents {
  private StudioDependents() {}

  /** A child with a fixed name, built by a pure function of the StudioDeployment. */
  abstract static class Child<R extends HasMetadata> extends CRUDKubernetesDependentResource<R, StudioDeployment> {
    private final Function<StudioDeployment, String> name;

    Child(Class<R> type, Function<StudioDeployment, String> name) {
      super(type);
      this.name = name;
    }

    /** The manifest, from the pure builder. */
    abstract R build(StudioDeployment studio, Context<StudioDeployment> context);

    @Override
    protected final R desired(StudioDeployment studio, Context<StudioDeployment> context) {
      return Owners.controlledBy(build(studio, context), studio);
    }

    /** Selects this child among its type's secondaries by name, without building the manifest. */
    @Override
    protected ResourceID targetSecondaryResourceID(StudioDeployment studio, Context<StudioDeployment> context) {
      return new ResourceID(name.apply(studio), studio.getMetadata().getNamespace());
    }

    static Images images(Context<StudioDeployment> context) {
      return context.managedWorkflowAndDependentResourceContext().getMandatory(Images.class, Images.class);
    }
  }

  public static final class RuntimeConfigMap extends Child<ConfigMap> {
    public RuntimeConfigMap() {
      super(ConfigMap.class, StudioNames::runtimeConfig);
    }

    @Override
    ConfigMap build(StudioDeployment studio, Context<StudioDeployment> context) {
      return PlatformConfig.runtimeConfigMap(studio);
    }
  }

  public static final class WebConfigMap extends Child<ConfigMap> {
    public WebConfigMap() {
      super(ConfigMap.class, StudioNames::webConfig);
    }

    @Override
    ConfigMap build(StudioDeployment studio, Context<StudioDeployment> context) {
      return WebTier.configMap(studio);
    }
  }

  /**
   * The generated Secret: completed with the keys it lacks, never a value replaced. Its informer
   * is its own (labelled), so the operator never caches Secrets it did not make.
   */
  @KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
  public static final class GeneratedSecret extends Child<Secret> {
    public GeneratedSecret() {
      super(Secret.class, StudioNames::generatedSecret);
    }

    @Override
    Secret build(StudioDeployment studio, Context<StudioDeployment> context) {
      Map<String, String> existing =
          context.getSecondaryResources(Secret.class).stream()
              .filter(s -> s.getMetadata().getName().equals(StudioNames.generatedSecret(studio)))
              .findFirst()
              .map(Secret::getData)
              .orElse(Map.of());
      return PlatformConfig.generatedSecret(studio, existing);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
  public static final class ApiServiceAccount extends Child<ServiceAccount> {
    public ApiServiceAccount() {
      super(ServiceAccount.class, StudioNames::api);
    }

    @Override
    ServiceAccount build(StudioDeployment studio, Context<StudioDeployment> context) {
      return ApiTier.serviceAccount(studio);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
  public static final class ApiRole extends Child<Role> {
    public ApiRole() {
      super(Role.class, StudioNames::api);
    }

    @Override
    Role build(StudioDeployment studio, Context<StudioDeployment> context) {
      return ApiTier.role(studio);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
  public static final class ApiRoleBinding extends Child<RoleBinding> {
    public ApiRoleBinding() {
      super(RoleBinding.class, StudioNames::api);
    }

    @Override
    RoleBinding build(StudioDeployment studio, Context<StudioDeployment> context) {
      return ApiTier.roleBinding(studio);
    }
  }

  public static final class ApiService extends Child<Service> {
    public ApiService() {
      super(Service.class, StudioNames::api);
    }

    @Override
    Service build(StudioDeployment studio, Context<StudioDeployment> context) {
      return ApiTier.service(studio);
    }
  }

  public static final class WebService extends Child<Service> {
    public WebService() {
      super(Service.class, StudioNames::web);
    }

    @Override
    Service build(StudioDeployment studio, Context<StudioDeployment> context) {
      return WebTier.service(studio);
    }
  }

  public static final class ApiDeployment extends Child<Deployment> {
    public ApiDeployment() {
      super(Deployment.class, StudioNames::api);
    }

    @Override
    Deployment build(StudioDeployment studio, Context<StudioDeployment> context) {
      return ApiTier.deployment(studio, images(context));
    }
  }

  public static final class WorkerDeployment extends Child<Deployment> {
    public WorkerDeployment() {
      super(Deployment.class, StudioNames::worker);
    }

    @Override
    Deployment build(StudioDeployment studio, Context<StudioDeployment> context) {
      return WorkerTier.deployment(studio, images(context));
    }
  }

  public static final class WebDeployment extends Child<Deployment> {
    public WebDeployment() {
      super(Deployment.class, StudioNames::web);
    }

    @Override
    Deployment build(StudioDeployment studio, Context<StudioDeployment> context) {
      return WebTier.deployment(studio, images(context));
    }
  }

  public static final class WebBudget extends Child<PodDisruptionBudget> {
    public WebBudget() {
      super(PodDisruptionBudget.class, StudioNames::web);
    }

    @Override
    PodDisruptionBudget build(StudioDeployment studio, Context<StudioDeployment> context) {
      return WebTier.budget(studio);
    }
  }

  public static final class ApiBudget extends Child<PodDisruptionBudget> {
    public ApiBudget() {
      super(PodDisruptionBudget.class, StudioNames::api);
    }

    @Override
    PodDisruptionBudget build(StudioDeployment studio, Context<StudioDeployment> context) {
      return ApiTier.budget(studio);
    }
  }

  public static final class WorkerBudget extends Child<PodDisruptionBudget> {
    public WorkerBudget() {
      super(PodDisruptionBudget.class, StudioNames::worker);
    }

    @Override
    PodDisruptionBudget build(StudioDeployment studio, Context<StudioDeployment> context) {
      return WorkerTier.budget(studio);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
  public static final class FrontDoorRoute extends Child<HTTPRoute> {
    public FrontDoorRoute() {
      super(HTTPRoute.class, StudioNames::frontDoorRoute);
    }

    @Override
    HTTPRoute build(StudioDeployment studio, Context<StudioDeployment> context) {
      return FrontDoor.route(studio);
    }
  }

  /** The front door is only wanted when the spec names a Gateway. */
  public static final class GatewayRequested implements Condition<HTTPRoute, StudioDeployment> {
    @Override
    public boolean isMet(
        DependentResource<HTTPRoute, StudioDeployment> dependent,
        StudioDeployment studio,
        Context<StudioDeployment> context) {
      return studio.getSpec().gateway() != null;
    }
  }

  /** HTTPRoutes can only be made (or watched) where the Gateway API CRDs are installed. */
  public static final class GatewayApiInstalled implements Condition<HTTPRoute, StudioDeployment> {
    @Override
    public boolean isMet(
        DependentResource<HTTPRoute, StudioDeployment> dependent,
        StudioDeployment studio,
        Context<StudioDeployment> context) {
      return context.managedWorkflowAndDependentResourceContext().getMandatory(GatewayApi.class, GatewayApi.class).installed();
    }
  }
}
