package dev.studio.operator.bundle;

import static dev.studio.operator.Fixtures.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.studio.crd.v1alpha1.Bundle;
import dev.studio.crd.v1alpha1.BundleSpec;
import dev.studio.crd.v1alpha1.Condition;
import dev.studio.operator.Fixtures;
import dev.studio.operator.MockCluster;
import dev.studio.operator.OperatorConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Bundle controller against the mock API server, a stand-in platform api and a local git
 * repository: a revision is resolved, packaged, uploaded once, announced with its settings, and
 * followed as the branch or the ConfigMap moves; failures keep the last good revision.
 */
class BundleOperatorTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String HELLO_YAML = "name: hello\nmodel: dev\n";

  @TempDir Path tmp;
  MockCluster cluster;
  StandInApi api;
  LocalGitRepo repo;

  @BeforeEach
  void start() throws Exception {
    cluster = MockCluster.start();
    api = new StandInApi(token -> token.equals(adminToken("acme")) || token.equals(adminToken("beta")));
    repo = new LocalGitRepo(tmp);
    var base = MockCluster.operatorConfig();
    cluster.startOperator(new OperatorConfig(base.watchNamespaces(), false, base.leaseName(), null, "bundle-test", 0,
        base.images(), 4, new OperatorConfig.Autoscaling(api.url(), Duration.ofSeconds(15), Duration.ofSeconds(120))));
    Fixtures.datastoreSecrets().forEach(s -> cluster.client.resource(s).create());
    cluster.client.resource(Fixtures.studio("acme")).create();
    await().atMost(WAIT).until(() -> adminToken() != null);
  }

  @AfterEach
  void stop() {
    cluster.close();
    api.close();
    repo.close();
  }

  @Test
  void aBranchIsResolvedPackagedUploadedAnnouncedAndFollowed() throws Exception {
    String first = repo.commit("main", Map.of(
        "README.md", "not part of the bundle",
        "bundles/hello/bundle.yaml", HELLO_YAML,
        "bundles/hello/prompts/system.md", "Be brief."));
    cluster.client.resource(gitBundle("hello", "main", "bundles/hello")).create();

    var ready = awaitStatus("hello", b -> first.equals(b.getStatus().resolvedRevision()) && isReady(b));
    String artifact = "hello__main__" + first.substring(0, 12);
    assertThat(ready.getStatus().artifact()).isEqualTo(artifact);
    assertThat(ready.getStatus().condition(Condition.READY).orElseThrow().reason()).isEqualTo(BundleReconciler.REASON_SERVING);
    assertThat(ready.getStatus().lastResolveTime()).isNotNull();
    assertThat(ready.getStatus().observedGeneration()).isEqualTo(ready.getMetadata().getGeneration());

    var upload = api.uploads("hello").get(0);
    assertThat(upload.path()).isEqualTo("/api/internal/bundles/hello/artifacts/" + artifact);
    assertThat(upload.query()).as("the full revision goes along").isEqualTo("revision=" + first);
    assertThat(upload.authorization()).isEqualTo("Bearer " + adminToken());
    assertThat(PackagerTest.entries(upload.body())).containsExactly("bundle.yaml", "prompts/system.md");
    assertThat(PackagerTest.read(upload.body(), "bundle.yaml")).isEqualTo(HELLO_YAML);

    var settings = api.settingsPuts("hello").get(0).json();
    assertThat(settings.path("revision").asText()).isEqualTo(first);
    assertThat(settings.path("artifact").asText()).isEqualTo(artifact);
    assertThat(settings.path("ref").asText()).isEqualTo("main");
    assertThat(settings.path("kind").asText()).isEqualTo("Declarative");
    assertThat(settings.path("enabled").path("operations").asBoolean()).isTrue();
    assertThat(settings.path("schedules").get(0).path("cron").asText()).isEqualTo("*/15 * * * *");
    assertThat(settings.path("props").path("greeting").asText()).isEqualTo("hi");
    assertThat(settings.path("generation").asLong()).isEqualTo(ready.getMetadata().getGeneration());
    awaitStatus("hello", b -> Integer.valueOf(2).equals(b.getStatus().loadedBy()));

    // The branch moves: the new commit is picked up within the poll interval (1 s), uploaded once, announced.
    long pushed = System.nanoTime();
    String second = repo.commit("main", Map.of("bundles/hello/bundle.yaml", HELLO_YAML + "maxSteps: 3\n"));
    var moved = awaitStatus("hello", b -> second.equals(b.getStatus().resolvedRevision()));
    assertThat(Duration.ofNanos(System.nanoTime() - pushed)).isLessThan(Duration.ofSeconds(10));
    assertThat(moved.getStatus().artifact()).isEqualTo("hello__main__" + second.substring(0, 12));
    await().atMost(WAIT).until(() -> api.settingsPuts("hello").stream().anyMatch(r -> second.equals(r.json().path("revision").asText())));
    assertThat(api.uploads("hello")).hasSize(2);
    await().atMost(WAIT).until(() -> events("hello").stream()
        .anyMatch(e -> BundleReconciler.EVENT_NEW_REVISION.equals(e.getReason()) && e.getMessage().contains(second.substring(0, 12))));

    // Steady state: polling finds nothing new and uploads and announces nothing more.
    int settingsPuts = api.settingsPuts("hello").size();
    Thread.sleep(2500);
    assertThat(api.uploads("hello")).hasSize(2);
    assertThat(api.settingsPuts("hello")).hasSize(settingsPuts);

    // The api forgets everything (a platform made anew): the revision is given to it again.
    api.settings.clear();
    api.artifacts.clear();
    await().atMost(WAIT).until(() -> api.settings.containsKey("hello") && api.artifacts.containsKey(moved.getStatus().artifact()));
    assertThat(api.uploads("hello")).hasSize(3);
  }

  @Test
  void aBundleTheApiRefusesIsNotReadyAndTheLastGoodRevisionStays() throws Exception {
    String good = repo.commit("main", Map.of("bundle.yaml", HELLO_YAML));
    cluster.client.resource(gitBundle("hello", "main", null)).create();
    awaitStatus("hello", b -> good.equals(b.getStatus().resolvedRevision()) && isReady(b));

    api.refuseUploads.set("bundle.yaml: tool 'nope' does not exist");
    String broken = repo.commit("main", Map.of("bundle.yaml", HELLO_YAML + "tools: [nope]\n"));
    var refused = awaitStatus("hello", b -> b.getStatus().condition(Condition.READY)
        .filter(c -> BundleReconciler.REASON_INVALID_BUNDLE.equals(c.reason())).isPresent());
    var ready = refused.getStatus().condition(Condition.READY).orElseThrow();
    assertThat(ready.status()).isEqualTo(Condition.FALSE);
    assertThat(ready.message()).isEqualTo("bundle.yaml: tool 'nope' does not exist");
    assertThat(refused.getStatus().resolvedRevision()).isEqualTo(good);
    assertThat(refused.getStatus().artifact()).isEqualTo("hello__main__" + good.substring(0, 12));
    assertThat(api.uploads("hello").stream().map(StandInApi.Request::path))
        .contains("/api/internal/bundles/hello/artifacts/hello__main__" + broken.substring(0, 12));
    assertThat(api.settingsPuts("hello")).allMatch(r -> good.equals(r.json().path("revision").asText()));
    await().atMost(WAIT).until(() -> events("hello").stream()
        .anyMatch(e -> BundleReconciler.REASON_INVALID_BUNDLE.equals(e.getReason()) && "Warning".equals(e.getType())));
  }

  @Test
  void aConfigMapChangeIsANewRevisionAndASwitchOnlyNewSettings() {
    cluster.client.resource(configMap("hello-files", HELLO_YAML)).create();
    cluster.client.resource(configMapBundle("hello", "hello-files")).create();
    byte[] zip = Packager.zip(Map.of("bundle.yaml", HELLO_YAML.getBytes(StandardCharsets.UTF_8)));
    String digest = Packager.sha256(zip);
    var ready = awaitStatus("hello", b -> digest.equals(b.getStatus().resolvedRevision()) && isReady(b));
    assertThat(ready.getStatus().artifact()).isEqualTo("hello__configmap__" + digest.substring(0, 12));
    assertThat(api.uploads("hello").get(0).body()).isEqualTo(zip);

    cluster.edit(ConfigMap.class, NAMESPACE, "hello-files", cm -> {
      cm.getData().put("bundle.yaml", HELLO_YAML + "maxSteps: 2\n");
      return cm;
    });
    String changed = Packager.sha256(Packager.zip(Map.of("bundle.yaml", (HELLO_YAML + "maxSteps: 2\n").getBytes(StandardCharsets.UTF_8))));
    awaitStatus("hello", b -> changed.equals(b.getStatus().resolvedRevision()) && isReady(b));
    assertThat(api.uploads("hello")).hasSize(2);

    // Flipping a switch: new settings, no new upload.
    int puts = api.settingsPuts("hello").size();
    cluster.edit(Bundle.class, NAMESPACE, "hello", b -> {
      var s = b.getSpec();
      b.setSpec(new BundleSpec(s.studioRef(), s.source(), s.kind(), s.props(), s.secretsRef(),
          new BundleSpec.Enabled(true, false, true), s.schedules(), s.defaultBundle(), s.pollInterval()));
      return b;
    });
    await().atMost(WAIT).until(() -> api.settingsPuts("hello").size() > puts);
    var last = api.settingsPuts("hello").get(api.settingsPuts("hello").size() - 1).json();
    assertThat(last.path("enabled").path("jobs").asBoolean()).isFalse();
    assertThat(last.path("revision").asText()).isEqualTo(changed);
    awaitStatus("hello", b -> b.getStatus().observedGeneration() == b.getMetadata().getGeneration().longValue() && isReady(b));
    assertThat(api.uploads("hello")).hasSize(2);
  }

  @Test
  void secretsReachTheSettingsButNeverTheStatusOrEvents() {
    String value = "s3cr3t-bundle-key-" + System.nanoTime();
    cluster.client.resource(configMap("hello-files", HELLO_YAML)).create();
    var bundle = configMapBundle("hello", "hello-files");
    var s = bundle.getSpec();
    bundle.setSpec(new BundleSpec(s.studioRef(), s.source(), s.kind(), s.props(), new BundleSpec.SecretRef("hello-secrets"),
        s.enabled(), s.schedules(), s.defaultBundle(), s.pollInterval()));
    cluster.client.resource(bundle).create();
    var waiting = awaitStatus("hello", b -> b.getStatus().condition(Condition.READY)
        .filter(c -> BundleReconciler.REASON_SECRET_NOT_FOUND.equals(c.reason())).isPresent());
    assertThat(waiting.getStatus().condition(Condition.READY).orElseThrow().message()).contains("hello-secrets");

    cluster.client.resource(Fixtures.secret("hello-secrets", Map.of("api-key", value))).create();
    awaitStatus("hello", BundleOperatorTest::isReady);
    var settings = api.settingsPuts("hello").get(api.settingsPuts("hello").size() - 1).json();
    assertThat(settings.path("secrets").path("api-key").asText()).isEqualTo(value);

    // A rotated value is sent again, without a new upload.
    String rotated = value + "-rotated";
    cluster.edit(io.fabric8.kubernetes.api.model.Secret.class, NAMESPACE, "hello-secrets", secret -> {
      secret.setStringData(null);
      secret.setData(Map.of("api-key", Base64.getEncoder().encodeToString(rotated.getBytes(StandardCharsets.UTF_8))));
      return secret;
    });
    await().atMost(WAIT).until(() -> api.settingsPuts("hello").stream()
        .anyMatch(r -> rotated.equals(r.json().path("secrets").path("api-key").asText())));
    assertThat(api.uploads("hello")).hasSize(1);

    String status = Serialization.asYaml(cluster.client.resources(Bundle.class).inNamespace(NAMESPACE).withName("hello").get().getStatus());
    assertThat(status).doesNotContain(value);
    assertThat(events("hello")).allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(value));
  }

  @Test
  void deletionRetractsTheBundleAndLetsItGo() {
    cluster.client.resource(configMap("hello-files", HELLO_YAML)).create();
    cluster.client.resource(configMapBundle("hello", "hello-files")).create();
    var ready = awaitStatus("hello", BundleOperatorTest::isReady);
    assertThat(ready.getMetadata().getFinalizers()).isNotEmpty();

    cluster.client.resources(Bundle.class).inNamespace(NAMESPACE).withName("hello").delete();
    await().atMost(WAIT).until(() -> cluster.client.resources(Bundle.class).inNamespace(NAMESPACE).withName("hello").get() == null);
    assertThat(api.calls("DELETE", "/api/internal/bundles/hello")).hasSize(1);
  }

  @Test
  void anUnknownStudioIsNotReady() {
    cluster.client.resource(configMap("hello-files", HELLO_YAML)).create();
    var bundle = configMapBundle("hello", "hello-files");
    var s = bundle.getSpec();
    bundle.setSpec(new BundleSpec(new dev.studio.crd.v1alpha1.StudioRef("nope"), s.source(), s.kind(), s.props(), s.secretsRef(),
        s.enabled(), s.schedules(), s.defaultBundle(), s.pollInterval()));
    cluster.client.resource(bundle).create();
    var blocked = awaitStatus("hello", b -> b.getStatus().condition(Condition.READY).isPresent());
    var ready = blocked.getStatus().condition(Condition.READY).orElseThrow();
    assertThat(ready.status()).isEqualTo(Condition.FALSE);
    assertThat(ready.reason()).isEqualTo(BundleReconciler.REASON_STUDIO_NOT_FOUND);
    assertThat(ready.message()).contains("nope");
    assertThat(api.requests).isEmpty();

    // Deleting it needs no api: there is no platform to tell.
    cluster.client.resources(Bundle.class).inNamespace(NAMESPACE).withName("hello").delete();
    await().atMost(WAIT).until(() -> cluster.client.resources(Bundle.class).inNamespace(NAMESPACE).withName("hello").get() == null);
  }

  @Test
  void aBundleWaitsForItsStudioAndGoesOnAsSoonAsItsApiCanBeCalled() {
    cluster.client.resource(configMap("hello-files", HELLO_YAML)).create();
    var bundle = configMapBundle("hello", "hello-files");
    var s = bundle.getSpec();
    bundle.setSpec(new BundleSpec(new dev.studio.crd.v1alpha1.StudioRef("beta"), s.source(), s.kind(), s.props(), s.secretsRef(),
        s.enabled(), s.schedules(), s.defaultBundle(), s.pollInterval()));
    cluster.client.resource(bundle).create();
    awaitStatus("hello", b -> b.getStatus().condition(Condition.READY)
        .filter(c -> BundleReconciler.REASON_STUDIO_NOT_FOUND.equals(c.reason())).isPresent());

    // The studio comes, then its admin token: each is an event, so no failure backoff (60 s) is waited out.
    cluster.client.resource(Fixtures.studio("beta")).create();
    var ready = await().atMost(Duration.ofSeconds(20)).until(
        () -> cluster.client.resources(Bundle.class).inNamespace(NAMESPACE).withName("hello").get(),
        b -> b.getStatus() != null && isReady(b));
    assertThat(api.settingsPuts("hello").get(0).authorization()).isEqualTo("Bearer " + adminToken("beta"));
    assertThat(ready.getStatus().loadedBy()).isEqualTo(2);
  }

  @Test
  void anUnreachableApiIsApiUnavailable() {
    api.close();
    cluster.client.resource(configMap("hello-files", HELLO_YAML)).create();
    cluster.client.resource(configMapBundle("hello", "hello-files")).create();
    var blocked = awaitStatus("hello", b -> b.getStatus().condition(Condition.READY).isPresent());
    var ready = blocked.getStatus().condition(Condition.READY).orElseThrow();
    assertThat(ready.status()).isEqualTo(Condition.FALSE);
    assertThat(ready.reason()).isEqualTo(BundleReconciler.REASON_API_UNAVAILABLE);
    assertThat(ready.message()).contains("the api of acme");
    assertThat(blocked.getStatus().resolvedRevision()).isNull();
  }

  @Test
  void anObjectStoreUriIsImportedByTheApi() {
    var bundle = Fixtures.valid("""
        apiVersion: studio.dev/v1alpha1
        kind: Bundle
        metadata: {name: tools, namespace: %s}
        spec:
          studioRef: {name: acme}
          kind: Jvm
          source: {uri: "s3://bundles/tools-1.0.jar"}
        """.formatted(NAMESPACE), Bundle.class);
    cluster.client.resource(bundle).create();
    var ready = awaitStatus("tools", BundleOperatorTest::isReady);
    var imports = api.calls("POST", "/api/internal/bundles/tools/imports");
    assertThat(imports).hasSize(1);
    assertThat(imports.get(0).json().path("uri").asText()).isEqualTo("s3://bundles/tools-1.0.jar");
    assertThat(imports.get(0).json().path("kind").asText()).isEqualTo("Jvm");
    assertThat(ready.getStatus().artifact()).startsWith("tools__uri__");
    assertThat(api.uploads("tools")).isEmpty();
    assertThat(api.settingsPuts("tools").get(0).json().path("artifact").asText()).isEqualTo(ready.getStatus().artifact());
  }

  // --- helpers

  Bundle gitBundle(String name, String ref, String subdir) {
    return Fixtures.valid("""
        apiVersion: studio.dev/v1alpha1
        kind: Bundle
        metadata: {name: %s, namespace: %s}
        spec:
          studioRef: {name: acme}
          source:
            git: {url: "%s", ref: %s%s}
          props: {greeting: hi}
          schedules:
            - {name: digest, cron: "*/15 * * * *", workKind: digest}
          pollInterval: 1s
        """.formatted(name, NAMESPACE, repo.url(), ref, subdir == null ? "" : ", subdir: " + subdir), Bundle.class);
  }

  static Bundle configMapBundle(String name, String configMap) {
    return Fixtures.valid("""
        apiVersion: studio.dev/v1alpha1
        kind: Bundle
        metadata: {name: %s, namespace: %s}
        spec:
          studioRef: {name: acme}
          source:
            configMap: {name: %s}
        """.formatted(name, NAMESPACE, configMap), Bundle.class);
  }

  static ConfigMap configMap(String name, String bundleYaml) {
    var data = new LinkedHashMap<String, String>();
    data.put("bundle.yaml", bundleYaml);
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata().withData(data).build();
  }

  Bundle awaitStatus(String name, java.util.function.Predicate<Bundle> condition) {
    return await().atMost(WAIT).until(() -> cluster.client.resources(Bundle.class).inNamespace(NAMESPACE).withName(name).get(),
        b -> b != null && b.getStatus() != null && condition.test(b));
  }

  static boolean isReady(Bundle b) {
    return b.getStatus().condition(Condition.READY).map(Condition::isTrue).orElse(false);
  }

  List<Event> events(String name) {
    return cluster.client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()) && "Bundle".equals(e.getInvolvedObject().getKind()))
        .toList();
  }

  String adminToken() {
    return adminToken("acme");
  }

  String adminToken(String studio) {
    var secret = cluster.client.secrets().inNamespace(NAMESPACE).withName(studio + "-generated").get();
    return Optional.ofNullable(secret).map(s -> s.getData()).map(d -> d.get("admin-token"))
        .map(v -> new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8).trim()).orElse(null);
  }
}
