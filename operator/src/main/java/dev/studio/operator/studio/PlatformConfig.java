package dev.studio.operator.studio;

import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.manifest.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;

/** The runtime ConfigMap and the generated platform Secret. */
public final class PlatformConfig {
  private PlatformConfig() {}

  public static ConfigMap runtimeConfigMap(StudioDeployment studio) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(StudioNames.runtimeConfig(studio))
        .withNamespace(studio.getMetadata().getNamespace())
        .withLabels(Labels.of(studio.getMetadata().getName(), StudioNames.CONFIG))
        .endMetadata()
        .withData(RuntimeEnvironment.sharedSettings(studio))
        .build();
  }

  /** The generated Secret, completing {@code existingData} (base64 values) with what it lacks. */
  public static Secret generatedSecret(StudioDeployment studio, Map<String, String> existingData) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(StudioNames.generatedSecret(studio))
        .withNamespace(studio.getMetadata().getNamespace())
        .withLabels(Labels.of(studio.getMetadata().getName(), StudioNames.SECRETS))
        .endMetadata()
        .withType("Opaque")
        .withData(GeneratedSecrets.complete(existingData))
        .build();
  }
}
