package dev.studio.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What kubectl, kstatus, HPA and GitOps tools read from the CRDs. */
class SchemaTest {

  @ParameterizedTest
  @CsvSource({
    "StudioDeployment, studiodeployments, studio",
    "WorkerPool, workerpools, wp",
    "SandboxClaim, sandboxclaims, sbc",
    "Bundle, bundles, bdl"
  })
  void namesScopeAndStatusSubresource(String kind, String plural, String shortName) {
    CustomResourceDefinition crd = CrdFiles.load(kind);
    assertThat(crd.getMetadata().getName()).isEqualTo(plural + ".studio.dev");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly(shortName);
    var version = crd.getSpec().getVersions().get(0);
    assertThat(version.getName()).isEqualTo("v1alpha1");
    assertThat(version.getServed()).isTrue();
    assertThat(version.getStorage()).isTrue();
    assertThat(version.getSubresources().getStatus()).isNotNull();
  }

  @ParameterizedTest
  @CsvSource({"StudioDeployment", "WorkerPool", "SandboxClaim", "Bundle"})
  void everyFieldHasADescription(String kind) {
    JSONSchemaProps root = CrdFiles.load(kind).getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    List<String> undocumented = new ArrayList<>();
    collectUndocumented("", root, undocumented);
    assertThat(undocumented).as("fields without a description (kubectl explain shows nothing)").isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"StudioDeployment", "WorkerPool", "SandboxClaim", "Bundle"})
  void readyComesFirstAndAgeLast(String kind) {
    List<CustomResourceColumnDefinition> columns =
        CrdFiles.load(kind).getSpec().getVersions().get(0).getAdditionalPrinterColumns();
    assertThat(columns.get(0).getName()).isEqualTo("Ready");
    assertThat(columns.get(0).getJsonPath()).isEqualTo(".status.conditions[?(@.type==\"Ready\")].status");
    assertThat(columns.get(columns.size() - 1).getName()).isEqualTo("Age");
    assertThat(columns).hasSizeGreaterThanOrEqualTo(4);
  }

  @Test
  void onlyWorkerPoolHasAScaleSubresource() {
    var scale = CrdFiles.load("WorkerPool").getSpec().getVersions().get(0).getSubresources().getScale();
    assertThat(scale.getSpecReplicasPath()).isEqualTo(".spec.replicas");
    assertThat(scale.getStatusReplicasPath()).isEqualTo(".status.replicas");
    assertThat(scale.getLabelSelectorPath()).isEqualTo(".status.selector");
    for (String kind : List.of("StudioDeployment", "SandboxClaim", "Bundle")) {
      assertThat(CrdFiles.load(kind).getSpec().getVersions().get(0).getSubresources().getScale()).as(kind).isNull();
    }
  }

  @Test
  void conditionsHaveTheKubernetesShape() {
    for (var crd : CrdFiles.load()) {
      JSONSchemaProps condition =
          crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()
              .getProperties().get("status").getProperties().get("conditions").getItems().getSchema();
      assertThat(condition.getProperties().keySet())
          .as(crd.getMetadata().getName())
          .containsExactlyInAnyOrder("type", "status", "reason", "message", "lastTransitionTime", "observedGeneration");
      assertThat(condition.getProperties().get("status").getType()).isEqualTo("string");
    }
  }

  private static void collectUndocumented(String path, JSONSchemaProps schema, List<String> out) {
    if (schema.getProperties() == null) {
      return;
    }
    for (Map.Entry<String, JSONSchemaProps> property : schema.getProperties().entrySet()) {
      String child = path.isEmpty() ? property.getKey() : path + "." + property.getKey();
      JSONSchemaProps value = property.getValue();
      if (value.getDescription() == null || value.getDescription().isBlank()) {
        out.add(child);
      }
      collectUndocumented(child, value, out);
      if (value.getItems() != null && value.getItems().getSchema() != null) {
        collectUndocumented(child + "[]", value.getItems().getSchema(), out);
      }
    }
  }
}
