package dev.studio.crd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.crd.v1alpha1.Bundle;
import dev.studio.crd.v1alpha1.SandboxClaim;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.WorkerPool;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.List;

/**
 * A spec record fills the same defaults as the schema, so the operator sees the same object
 * whether a real API server defaulted it or the test mock server (which defaults nothing) did not.
 */
class DefaultsTest {

  static List<Arguments> minimal() {
    return List.of(
        Arguments.of(ValidationTest.STUDIO, StudioDeployment.class),
        Arguments.of(ValidationTest.POOL + "  autoscaling: {maxReplicas: 4}", WorkerPool.class),
        Arguments.of(ValidationTest.CLAIM + "  orgFs: [{volume: a, path: org/a}]", SandboxClaim.class),
        Arguments.of(ValidationTest.BUNDLE + "  schedules: [{name: a, cron: '@daily', workKind: r}]", Bundle.class),
        Arguments.of(ValidationTest.BUNDLE.replace("source: {configMap: {name: agent-files}}", "source: {git: {url: \"https://e.com/r.git\"}}"), Bundle.class));
  }

  @ParameterizedTest
  @MethodSource("minimal")
  @SuppressWarnings("unchecked")
  void schemaDefaultsEqualTheModelsDefaults(String yaml, Class<?> kind) {
    var asServerStoresIt = SchemaValidator.forKind(kind.getSimpleName()).withDefaults(SchemaValidator.parse(yaml));
    Object asModelReadsIt = Serialization.unmarshal(yaml, kind);
    var modelSpec = (Map<String, Object>) SchemaValidator.forKind(kind.getSimpleName()).withDefaults(asModelReadsIt).get("spec");
    assertThat(modelSpec).isEqualTo(asServerStoresIt.get("spec"));
  }
}
