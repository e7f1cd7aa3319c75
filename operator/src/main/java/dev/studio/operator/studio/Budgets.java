package dev.studio.operator.studio;

import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.manifest.Labels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;

/** PodDisruptionBudgets: voluntary disruptions (node drains) take at most one pod of a tier. */
final class Budgets {
  private Budgets() {}

  static PodDisruptionBudget maxOneUnavailable(StudioDeployment studio, String name, String component) {
    String instance = studio.getMetadata().getName();
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(studio.getMetadata().getNamespace())
        .withLabels(Labels.of(instance, component))
        .endMetadata()
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(Labels.selector(instance, component))
        .endSelector()
        .endSpec()
        .build();
  }
}
