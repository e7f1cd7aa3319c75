package dev.studio.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import dev.studio.crd.v1alpha1.Condition;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The scenario on a real cluster: {@code -De2e.kubeconfig=<file>} names it, and its nodes must
 * have the images of this build (docs/getting-started.md, steps 1–2). It installs the CRDs and the
 * operator from the chart, throwaway datastores, and a StudioDeployment in a namespace of its own;
 * waits for Ready; chats through the web tier (port-forwarded); gives the agent a sandbox of a
 * repository the cluster can clone ({@code -De2e.sandbox.repo}, with {@code -De2e.sandbox.start}
 * and {@code -De2e.sandbox.port}) and checks that the preview serves what the agent wrote;
 * deletes it all. (WorkerPools and Bundles are covered in process mode only so far.) Without a kubeconfig it is skipped, saying so.
 */
// Conditional: a real cluster (with this build's images on its nodes) cannot exist on a CI machine
// without Docker, so this runs only when -De2e.kubeconfig names one. What it covers also runs on
// every build in process mode: PlatformScenarioTest (the real operator on the mock API server, every
// pod as local processes: apply → Ready, chat through nginx, a sandbox's preview, delete) and
// BundleScenarioTest; the chart itself is rendered and linted by the charts module's tests.
@EnabledIfSystemProperty(named = Backends.KUBECONFIG, matches = ".+",
    disabledReason = "real-cluster backend: no -De2e.kubeconfig=<file> given (see docs/getting-started.md for a kind cluster)")
class ClusterScenarioTest {
  static final Duration READY = Duration.ofMinutes(10);
  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  static final String OPERATOR_NAMESPACE = "studio-system";

  @BeforeAll
  static void report() {
    Backends.report();
  }

  @Test
  void applyAStudioUseItAndDeleteIt() throws Exception {
    var config = Config.fromKubeconfig(Files.readString(Path.of(System.getProperty(Backends.KUBECONFIG))));
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      installOperator(client);
      apply(client, null, Files.readString(ROOT.resolve("examples/getting-started/datastores.yaml")));
      await().atMost(READY).untilAsserted(() -> assertThat(client.apps().deployments().inNamespace("studio-data").list().getItems())
          .allMatch(d -> d.getStatus() != null && Optional.ofNullable(d.getStatus().getReadyReplicas()).orElse(0) >= 1));

      String namespace = "studio-e2e-" + UUID.randomUUID().toString().substring(0, 6);
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
      try {
        apply(client, namespace, Files.readString(ROOT.resolve("examples/getting-started/studio.yaml"))
            .replace("image: ghcr.io/studio-dev/studio-sandbox", "image: " + System.getProperty("e2e.sandbox.image",
                "ghcr.io/studio-dev/studio-sandbox")));
        var studio = client.resources(StudioDeployment.class).inNamespace(namespace).withName("demo");
        await().atMost(READY).pollInterval(Duration.ofSeconds(2)).until(() -> Optional.ofNullable(studio.get().getStatus())
            .flatMap(s -> s.condition(Condition.READY)).map(Condition::isTrue).orElse(false));

        try (LocalPortForward web = client.services().inNamespace(namespace).withName("demo-web").portForward(80)) {
          var admin = new Api("http://127.0.0.1:" + web.getLocalPort(), adminToken(client, namespace));
          String org = Platform.org(admin);
          var user = admin.as(Platform.token(admin, org, "paid"));
          String thread = Platform.thread(user, org);
          String run = Platform.post(user, org, thread, "hello from a real cluster");
          assertThat(Platform.awaitRun(user, org, run, Duration.ofMinutes(2)).at("/state")).isEqualTo("completed");
          sandbox(client, namespace, user, org, thread);
        }
      } finally {
        client.resources(StudioDeployment.class).inNamespace(namespace).withName("demo").delete();
        await().atMost(Duration.ofMinutes(3)).untilAsserted(() ->
            assertThat(client.apps().deployments().inNamespace(namespace).list().getItems()).isEmpty());
        client.namespaces().withName(namespace).delete();
      }
    }
  }

  /** A sandbox of the given repository; the preview (its Service's preview port) serves what the agent writes. */
  private void sandbox(KubernetesClient client, String namespace, Api user, String org, String thread) throws Exception {
    String repo = System.getProperty("e2e.sandbox.repo", "");
    if (repo.isBlank()) {
      System.out.println("real cluster: the sandbox step needs -De2e.sandbox.repo=<git URL the cluster can clone>; not run");
      return;
    }
    var created = user.post("/api/" + org + "/sandboxes", Map.of("repo", repo, "threadId", thread,
        "start", System.getProperty("e2e.sandbox.start", "npm run dev -- --host 127.0.0.1 --port 3000"),
        "install", System.getProperty("e2e.sandbox.install", "npm ci"),
        "port", Integer.getInteger("e2e.sandbox.port", 3000)));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    String id = created.at("/id");
    var ready = await().atMost(READY).pollInterval(Duration.ofSeconds(2))
        .until(() -> user.get("/api/" + org + "/sandboxes/" + id), r -> !"starting".equals(r.at("/state")));
    assertThat(ready.at("/state")).as(ready.text()).isEqualTo("ready");
    var claim = client.genericKubernetesResources("studio.dev/v1alpha1", "SandboxClaim").inNamespace(namespace)
        .withName(created.at("/handle")).get();
    String service = (String) ((Map<?, ?>) claim.getAdditionalProperties().get("status")).get("daemonService");
    String run = Platform.post(user, org, thread,
        "/tool write {\"path\": \"index.html\", \"content\": \"<html><body><h1>written on a real cluster</h1></body></html>\"}");
    assertThat(Platform.awaitRun(user, org, run, Duration.ofMinutes(2)).at("/state")).isEqualTo("completed");
    try (LocalPortForward preview = client.services().inNamespace(namespace).withName(service).portForward(9001)) {
      var page = new Api("http://127.0.0.1:" + preview.getLocalPort(), "none").get("/");
      assertThat(page.text()).contains("written on a real cluster");
    }
    assertThat(user.delete("/api/" + org + "/sandboxes/" + id).status()).isEqualTo(204);
  }

  /** The CRDs, then the operator from the chart (rendered here, applied server-side). */
  private static void installOperator(KubernetesClient client) throws Exception {
    try (Stream<Path> crds = Files.list(ROOT.resolve("crds")).filter(p -> p.toString().endsWith(".yaml"))) {
      for (Path crd : crds.toList()) {
        apply(client, null, Files.readString(crd));
      }
    }
    if (client.namespaces().withName(OPERATOR_NAMESPACE).get() == null) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(OPERATOR_NAMESPACE).endMetadata().build()).create();
    }
    String rendered = new Helm(ROOT.resolve("charts/studio-operator")).template().withName("studio-operator")
        .withNamespace(OPERATOR_NAMESPACE).set("image.pullPolicy", System.getProperty("e2e.imagePullPolicy", "IfNotPresent")).call();
    apply(client, OPERATOR_NAMESPACE, rendered);
    await().atMost(READY).until(() -> Optional.ofNullable(client.apps().deployments().inNamespace(OPERATOR_NAMESPACE)
        .withName("studio-operator").get()).map(d -> d.getStatus()).map(s -> s.getReadyReplicas()).orElse(0) >= 1);
  }

  private static void apply(KubernetesClient client, String namespace, String yaml) {
    List<HasMetadata> objects = client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    for (HasMetadata object : objects) {
      var resource = namespace == null ? client.resource(object) : client.resource(object).inNamespace(namespace);
      resource.forceConflicts().serverSideApply();
    }
  }

  private static String adminToken(KubernetesClient client, String namespace) {
    var data = client.secrets().inNamespace(namespace).withName("demo-generated").get().getData();
    return new String(java.util.Base64.getDecoder().decode(data.get("admin-token")), StandardCharsets.UTF_8).trim();
  }
}
