package dev.studio.charts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.crd.SchemaValidator;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One release for a whole platform: the example values install the operator and a
 * StudioDeployment the API server accepts; the Argo CD and Flux examples point at this chart with
 * those values.
 */
class PlatformValuesTest {
  static final Path REPO = Chart.DIR.toAbsolutePath().getParent().getParent();
  static final Path VALUES = REPO.resolve("examples/platform-values.yaml");

  @Test
  void theExampleValuesInstallTheOperatorAndAValidStudioDeployment() {
    var resources = Chart.render(t -> t.withValuesFile(VALUES));
    var studio = resources.stream().filter(r -> r.getKind().equals("StudioDeployment")).findFirst().orElseThrow();
    assertThat(studio.getMetadata().getName()).isEqualTo("acme");
    assertThat(studio.getMetadata().getNamespace()).isEqualTo("studio-system");
    var errors = SchemaValidator.forKind("StudioDeployment").validate(SchemaValidator.parse(Serialization.asYaml(studio)));
    assertThat(errors).isEmpty();
    assertThat(resources).anyMatch(r -> r.getKind().equals("Deployment") && r.getMetadata().getName().equals("studio-studio-operator"));
    // Without the values, the chart installs the operator only.
    assertThat(Chart.render(Map.of())).noneMatch(r -> r.getKind().equals("StudioDeployment"));
  }

  @Test
  void argoCdAndFluxInstallThisChartWithTheseValues() throws IOException {
    var argo = (Map<?, ?>) SchemaValidator.parse(Files.readString(REPO.resolve("examples/gitops/argocd-application.yaml")));
    var source = (Map<?, ?>) ((Map<?, ?>) argo.get("spec")).get("source");
    Path chart = REPO.resolve((String) source.get("path"));
    assertThat(chart).isEqualTo(Chart.DIR.toAbsolutePath().normalize());
    var valueFiles = (List<?>) ((Map<?, ?>) source.get("helm")).get("valueFiles");
    assertThat(chart.resolve((String) valueFiles.get(0)).normalize()).isEqualTo(VALUES);

    String flux = Files.readString(REPO.resolve("examples/gitops/flux-helmrelease.yaml"));
    var release = (Map<?, ?>) SchemaValidator.parse(flux.split("(?m)^---\\s*$")[1]);
    assertThat(release.get("kind")).isEqualTo("HelmRelease");
    var spec = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) release.get("spec")).get("chart")).get("spec");
    assertThat(REPO.resolve((String) spec.get("chart")).normalize()).isEqualTo(Chart.DIR.toAbsolutePath().normalize());
    assertThat(REPO.resolve((String) ((List<?>) spec.get("valuesFiles")).get(0)).normalize()).isEqualTo(VALUES);
  }
}
