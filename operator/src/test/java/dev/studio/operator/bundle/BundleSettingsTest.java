package dev.studio.operator.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.crd.v1alpha1.Bundle;
import dev.studio.operator.Fixtures;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings body and ConfigMap files: pure functions of their inputs. */
class BundleSettingsTest {
  static final Bundle BUNDLE = Fixtures.valid("""
      apiVersion: studio.dev/v1alpha1
      kind: Bundle
      metadata: {name: hello, namespace: team}
      spec:
        studioRef: {name: acme}
        kind: Jvm
        source: {configMap: {name: files}}
        props: {tone: dry, limits: {steps: 3}}
        enabled: {schedules: false}
        schedules:
          - {name: nightly, cron: "@daily", workKind: report, payload: {scope: all}}
        default: true
      """, Bundle.class);

  @Test
  void everyFieldOfTheContractInAFixedOrder() throws Exception {
    var revision = new BundleSettings.Revision("abc", "configmap", "hello__configmap__abc");
    byte[] one = BundleSettings.json(BUNDLE.getSpec(), revision, Map.of("b", "2", "a", "1"), 7);
    byte[] two = BundleSettings.json(BUNDLE.getSpec(), revision, new java.util.TreeMap<>(Map.of("a", "1", "b", "2")), 7);
    assertThat(one).isEqualTo(two);
    var json = new ObjectMapper().readTree(one);
    assertThat(json.path("revision").asText()).isEqualTo("abc");
    assertThat(json.path("ref").asText()).isEqualTo("configmap");
    assertThat(json.path("artifact").asText()).isEqualTo("hello__configmap__abc");
    assertThat(json.path("kind").asText()).isEqualTo("Jvm");
    assertThat(json.path("default").asBoolean()).isTrue();
    assertThat(json.path("enabled").path("operations").asBoolean()).isTrue();
    assertThat(json.path("enabled").path("schedules").asBoolean()).isFalse();
    assertThat(json.path("schedules").get(0).path("name").asText()).isEqualTo("nightly");
    assertThat(json.path("schedules").get(0).path("workKind").asText()).isEqualTo("report");
    assertThat(json.path("schedules").get(0).path("payload").path("scope").asText()).isEqualTo("all");
    assertThat(json.path("props").path("limits").path("steps").asInt()).isEqualTo(3);
    assertThat(json.path("secrets").fieldNames()).toIterable().containsExactly("a", "b");
    assertThat(json.path("generation").asLong()).isEqualTo(7);
    assertThat(Packager.sha256(BundleSettings.json(BUNDLE.getSpec(), revision, Map.of("a", "1", "b", "3"), 7)))
        .as("a changed secret changes the digest the controller compares").isNotEqualTo(Packager.sha256(one));
  }

  @Test
  void aConfigMapsTextAndBinaryKeysAreFiles() {
    var configMap = new ConfigMapBuilder().withNewMetadata().withName("files").endMetadata()
        .addToData("bundle.yaml", "name: hello\n")
        .addToBinaryData("tools.jar", Base64.getEncoder().encodeToString(new byte[] {0, 1, 2}))
        .build();
    var files = ConfigMapFiles.of(configMap);
    assertThat(files.keySet()).containsExactly("bundle.yaml", "tools.jar");
    assertThat(new String(files.get("bundle.yaml"), StandardCharsets.UTF_8)).isEqualTo("name: hello\n");
    assertThat(files.get("tools.jar")).containsExactly(0, 1, 2);
  }
}
