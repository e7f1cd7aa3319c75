package dev.studio.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import dev.studio.crd.CrdFiles;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ChartTest {

  @Test
  void lintsCleanInStrictMode() {
    var result = new Helm(Chart.DIR).lint().strict().call();
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  @Test
  void rendersTheOperatorWithItsDefaults() {
    List<HasMetadata> resources = Chart.render(Map.of());
    assertThat(resources).extracting(r -> r.getKind() + "/" + r.getMetadata().getName()).containsExactlyInAnyOrder(
        "ServiceAccount/studio-studio-operator",
        "Deployment/studio-studio-operator",
        "Service/studio-studio-operator-metrics",
        "ClusterRole/studio-studio-operator",
        "ClusterRole/studio-studio-operator-cluster",
        "ClusterRoleBinding/studio-studio-operator",
        "ClusterRoleBinding/studio-studio-operator-cluster",
        "Role/studio-studio-operator-leader-election",
        "RoleBinding/studio-studio-operator-leader-election");

    var deployment = Chart.one(resources, Deployment.class, "studio-studio-operator");
    var pod = deployment.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("ghcr.io/studio-dev/studio-operator:0.1.0-SNAPSHOT");
    Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(env.get("WATCH_NAMESPACES").getValue()).isEmpty();
    assertThat(env.get("LEADER_ELECTION_ENABLED").getValue()).isEqualTo("true");
    assertThat(env.get("STUDIO_VERSION").getValue()).isEqualTo("0.1.0-SNAPSHOT");
    assertThat(env.get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    assertThat(env.get("XDG_CONFIG_HOME").getValue()).as("JGit's config, on the writable /tmp").startsWith("/tmp/");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getServiceAccountName()).isEqualTo("studio-studio-operator");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
  }

  @Test
  void watchingChosenNamespacesGrantsRightsInThoseOnly() {
    var resources = Chart.render(t -> t.set("watchNamespaces[0]", "team-a").set("watchNamespaces[1]", "team-b")
        .set("leaderElection.enabled", false).set("image.tag", "1.2.3"));
    var deployment = Chart.one(resources, Deployment.class, "studio-studio-operator");
    var env = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(env.get("WATCH_NAMESPACES").getValue()).isEqualTo("team-a,team-b");
    assertThat(env.get("LEADER_ELECTION_ENABLED").getValue()).isEqualTo("false");
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).endsWith(":1.2.3");
    assertThat(resources.stream().filter(RoleBinding.class::isInstance).map(r -> r.getMetadata().getNamespace()))
        .containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(resources.stream().filter(ClusterRoleBinding.class::isInstance).map(r -> r.getMetadata().getName()))
        .containsExactly("studio-studio-operator-cluster");
    assertThat(resources).noneMatch(r -> r.getMetadata().getName().endsWith("-leader-election"));
  }

  @Test
  void theValuesSchemaRefusesMistakes() {
    assertThatThrownBy(() -> Chart.render(Map.of("replicaCount", -1))).hasMessageContaining("values don't meet the specifications of the schema").hasMessageContaining("replicaCount");
    assertThatThrownBy(() -> Chart.render(Map.of("image.pullPolicy", "Sometimes"))).hasMessageContaining("pullPolicy");
    assertThatThrownBy(() -> Chart.render(Map.of("watchNamespaces[0]", "Team_A"))).hasMessageContaining("watchNamespaces");
    assertThatThrownBy(() -> Chart.render(Map.of("replicas", 2))).hasMessageContaining("replicas");
  }

  @Test
  void theChartsCrdsAreTheCheckedInCrds() throws IOException {
    Path chartCrds = Chart.DIR.resolve("crds");
    Path crds = CrdFiles.checkedInDir();
    List<String> chartFiles = yamlFiles(chartCrds);
    assertThat(chartFiles).isEqualTo(yamlFiles(crds));
    for (String file : chartFiles) {
      assertThat(Files.readString(chartCrds.resolve(file)))
          .as("charts/studio-operator/crds/" + file + " differs from crds/" + file + "; run ./mvnw -pl crds test -Dtest=CrdYamlTest -Dcrds.update=true")
          .isEqualTo(Files.readString(crds.resolve(file)));
    }
  }

  private static List<String> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
    }
  }
}
