package dev.studio.operator.studio;

import dev.studio.crd.v1alpha1.Names;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.Images;
import dev.studio.operator.manifest.Labels;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.Map;

/**
 * The api tier: its Deployment and Service, and the ServiceAccount and Role it uses to create
 * SandboxClaims (the only Kubernetes API access any runtime pod has).
 */
public final class ApiTier {
  private ApiTier() {}

  public static Deployment deployment(StudioDeployment studio, Images images) {
    var spec = studio.getSpec();
    String instance = studio.getMetadata().getName();
    return RuntimeDeployments.build(
        studio,
        images.runtimeFor(studio),
        new RuntimeDeployments.Shape(
            StudioNames.api(studio),
            Labels.of(instance, StudioNames.API),
            Labels.selector(instance, StudioNames.API),
            "api",
            spec.api().replicas(),
            spec.api().resources(),
            Map.of(),
            StudioNames.api(studio)));
  }

  public static Service service(StudioDeployment studio) {
    return TierServices.clusterIp(studio, StudioNames.api(studio), StudioNames.API, RuntimeEnvironment.HTTP_PORT);
  }

  public static PodDisruptionBudget budget(StudioDeployment studio) {
    return Budgets.maxOneUnavailable(studio, StudioNames.api(studio), StudioNames.API);
  }

  public static ServiceAccount serviceAccount(StudioDeployment studio) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(StudioNames.api(studio))
        .withNamespace(studio.getMetadata().getNamespace())
        .withLabels(Labels.of(studio.getMetadata().getName(), StudioNames.API))
        .endMetadata()
        .build();
  }

  /** What the api may do: manage SandboxClaims in its own namespace, nothing more. */
  public static Role role(StudioDeployment studio) {
    return new RoleBuilder()
        .withNewMetadata()
        .withName(StudioNames.api(studio))
        .withNamespace(studio.getMetadata().getNamespace())
        .withLabels(Labels.of(studio.getMetadata().getName(), StudioNames.API))
        .endMetadata()
        .withRules(
            new PolicyRuleBuilder()
                .withApiGroups(Names.GROUP)
                .withResources("sandboxclaims")
                .withVerbs("get", "list", "watch", "create", "update", "patch", "delete")
                .build(),
            new PolicyRuleBuilder()
                .withApiGroups(Names.GROUP)
                .withResources("sandboxclaims/status")
                .withVerbs("get")
                .build())
        .build();
  }

  public static RoleBinding roleBinding(StudioDeployment studio) {
    return new RoleBindingBuilder()
        .withNewMetadata()
        .withName(StudioNames.api(studio))
        .withNamespace(studio.getMetadata().getNamespace())
        .withLabels(Labels.of(studio.getMetadata().getName(), StudioNames.API))
        .endMetadata()
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("Role")
        .withName(StudioNames.api(studio))
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(StudioNames.api(studio))
        .withNamespace(studio.getMetadata().getNamespace())
        .endSubject()
        .build();
  }
}
