package dev.studio.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.studio.crd.v1alpha1.Bundle;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.StudioDeploymentSpec;
import dev.studio.crd.v1alpha1.WorkerPool;
import dev.studio.operator.Fixtures;
import dev.studio.operator.MockCluster;
import dev.studio.operator.OperatorConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The chart's RBAC is exactly what the operator needs: the real operator runs its controllers on
 * the mock API server through a life cycle of StudioDeployments and WorkerPools, and every request
 * it makes must be allowed by the rules the chart renders, while every rule the chart grants must
 * either be used or be listed below with the reason it is granted anyway.
 */
class OperatorRbacTest {
  static final String OPERATOR_NAMESPACE = "studio-system";

  static final String HELD_TO_GRANT = "each api Role grants it, and Kubernetes lets the operator grant only what it holds";

  /** Granted but not exercised by this scenario, and why. */
  static final Map<String, String> GRANTED_FOR_A_REASON = Map.ofEntries(
      Map.entry("studio.dev/sandboxclaims get", HELD_TO_GRANT),
      Map.entry("studio.dev/sandboxclaims list", HELD_TO_GRANT),
      Map.entry("studio.dev/sandboxclaims watch", HELD_TO_GRANT),
      Map.entry("studio.dev/sandboxclaims create", HELD_TO_GRANT),
      Map.entry("studio.dev/sandboxclaims update", HELD_TO_GRANT),
      Map.entry("studio.dev/sandboxclaims patch", HELD_TO_GRANT),
      Map.entry("studio.dev/sandboxclaims delete", HELD_TO_GRANT),
      Map.entry("studio.dev/sandboxclaims/status get", HELD_TO_GRANT),
      Map.entry("coordination.k8s.io/leases update", "JOSDK checks for it before it elects a leader; fabric8 renews with patch"),
      Map.entry("/pods get", "a claim's pod is read by name only when the informer cache lags its bind, which this scenario cannot force"),
      Map.entry("studio.dev/bundles/finalizers update", "the convention for a controller that sets finalizers: clusters that enforce"
          + " owner-reference permissions (OpenShift) check it; the mock API server does not"));

  @Test
  void everyRequestOfTheOperatorIsAllowedAndEveryGrantIsAccountedFor() {
    List<HasMetadata> chart = Chart.render(Map.of());
    List<PolicyRule> anyNamespace = new ArrayList<>();
    List<PolicyRule> operatorNamespace = new ArrayList<>();
    for (var binding : chart.stream().filter(ClusterRoleBinding.class::isInstance).map(ClusterRoleBinding.class::cast).toList()) {
      anyNamespace.addAll(Chart.one(chart, ClusterRole.class, binding.getRoleRef().getName()).getRules());
    }
    for (var binding : chart.stream().filter(RoleBinding.class::isInstance).map(RoleBinding.class::cast).toList()) {
      operatorNamespace.addAll(Chart.one(chart, Role.class, binding.getRoleRef().getName()).getRules());
    }

    List<RecordedRequest> requests;
    try (var cluster = MockCluster.withGatewayApi()) {
      var base = MockCluster.operatorConfig();
      cluster.startOperator(new OperatorConfig(base.watchNamespaces(), true, "studio-operator-lock", OPERATOR_NAMESPACE,
          "rbac-test", 0, base.images(), 2, base.autoscaling()));
      runThroughALifeCycle(cluster);
      requests = MockCluster.byOperator(cluster.drainRequests());
    }

    Set<String> used = new TreeSet<>();
    List<String> denied = new ArrayList<>();
    for (RecordedRequest request : requests) {
      var access = Access.of(request);
      used.add(access.key());
      boolean allowed = anyNamespace.stream().anyMatch(access::allowedBy)
          || (OPERATOR_NAMESPACE.equals(access.namespace()) && operatorNamespace.stream().anyMatch(access::allowedBy));
      if (!allowed) {
        denied.add(access + " (" + request.getMethod() + " " + request.getPath() + ")");
      }
    }
    assertThat(denied).as("requests the chart's RBAC would refuse").isEmpty();

    Set<String> granted = new TreeSet<>();
    for (PolicyRule rule : concat(anyNamespace, operatorNamespace)) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            granted.add(group + "/" + resource + " " + verb);
          }
        }
      }
    }
    var unexplained = new TreeSet<>(granted);
    unexplained.removeAll(used);
    unexplained.removeAll(GRANTED_FOR_A_REASON.keySet());
    assertThat(unexplained).as("rights granted, never used, and not explained (least privilege)").isEmpty();
    assertThat(used).contains("apps/deployments create", "/secrets get", "coordination.k8s.io/leases create",
        "gateway.networking.k8s.io/httproutes create", "studio.dev/studiodeployments/status update", "/events create");
  }

  private static void runThroughALifeCycle(MockCluster cluster) {
    var client = cluster.client;
    String ns = Fixtures.NAMESPACE;
    // A StudioDeployment waiting for a Secret, then rolling out with a front door.
    var studio = Fixtures.studio("acme");
    var spec = studio.getSpec();
    studio.setSpec(new StudioDeploymentSpec(spec.image(), spec.version(), spec.imagePullPolicy(), spec.imagePullSecrets(),
        spec.publicUrl(), spec.web(), spec.api(), spec.worker(), spec.database(), spec.redis(), spec.nats(), spec.objectStore(),
        spec.model(), spec.secrets(), new StudioDeploymentSpec.Gateway(new StudioDeploymentSpec.ParentRef("public", null, null)),
        spec.sandbox(), spec.shutdownGraceSeconds()));
    client.resource(studio).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> client.v1().events().inNamespace(ns).list().getItems().stream()
        .anyMatch(e -> "SecretNotFound".equals(e.getReason())));
    Fixtures.datastoreSecrets().forEach(s -> client.resource(s).create());
    for (String tier : List.of("web", "api", "worker")) {
      await().atMost(Duration.ofSeconds(20)).until(() -> client.apps().deployments().inNamespace(ns).withName("acme-" + tier).get() != null);
      cluster.markReady(ns, "acme-" + tier);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class)
        .inNamespace(ns).withName("acme").get() != null);
    // A WorkerPool; a hand edit reverted; then everything deleted.
    client.resource(Fixtures.pool("paid", "acme", List.of("paid"))).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> client.apps().deployments().inNamespace(ns).withName("paid-pool").get() != null);
    cluster.markReady(ns, "paid-pool");
    cluster.edit(Deployment.class, ns, "acme-api", d -> {
      d.getSpec().setReplicas(7);
      return d;
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> client.apps().deployments().inNamespace(ns).withName("acme-api").get().getSpec().getReplicas() == 2);
    cluster.edit(io.fabric8.kubernetes.api.model.ConfigMap.class, ns, "acme-runtime", c -> {
      c.getData().put("LLM_PROVIDER", "dev");
      return c;
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> "anthropic".equals(client.configMaps().inNamespace(ns).withName("acme-runtime").get().getData().get("LLM_PROVIDER")));
    cluster.edit(io.fabric8.kubernetes.api.model.Secret.class, ns, "acme-generated", s -> {
      s.getData().remove("jwt-secret");
      return s;
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> client.secrets().inNamespace(ns).withName("acme-generated").get().getData().containsKey("jwt-secret"));
    // Every kind of child edited by hand is put back.
    cluster.edit(io.fabric8.kubernetes.api.model.Service.class, ns, "acme-web", svc -> {
      svc.getSpec().getPorts().get(0).setPort(81);
      return svc;
    });
    cluster.edit(io.fabric8.kubernetes.api.model.ServiceAccount.class, ns, "acme-api", sa -> {
      sa.getMetadata().getLabels().put("app.kubernetes.io/component", "other");
      return sa;
    });
    cluster.edit(io.fabric8.kubernetes.api.model.rbac.Role.class, ns, "acme-api", role -> {
      role.getRules().get(0).setVerbs(List.of("get"));
      return role;
    });
    cluster.edit(io.fabric8.kubernetes.api.model.rbac.RoleBinding.class, ns, "acme-api", binding -> {
      binding.getSubjects().get(0).setName("someone-else");
      return binding;
    });
    cluster.edit(io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class, ns, "acme-api", pdb -> {
      pdb.getSpec().setMaxUnavailable(new io.fabric8.kubernetes.api.model.IntOrString(3));
      return pdb;
    });
    cluster.edit(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class, ns, "acme", route -> {
      route.getSpec().setHostnames(List.of("evil.example.com"));
      return route;
    });
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(client.services().inNamespace(ns).withName("acme-web").get().getSpec().getPorts().get(0).getPort()).isEqualTo(80);
      assertThat(client.serviceAccounts().inNamespace(ns).withName("acme-api").get().getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/component", "api");
      assertThat(client.rbac().roles().inNamespace(ns).withName("acme-api").get().getRules().get(0).getVerbs()).contains("create");
      assertThat(client.rbac().roleBindings().inNamespace(ns).withName("acme-api").get().getSubjects().get(0).getName()).isEqualTo("acme-api");
      assertThat(client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("acme-api").get().getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
      assertThat(client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class).inNamespace(ns).withName("acme").get()
          .getSpec().getHostnames()).containsExactly("acme.example.com");
    });
    // Without a gateway in the spec, the front door goes.
    cluster.edit(StudioDeployment.class, ns, "acme", s -> {
      var current = s.getSpec();
      s.setSpec(new StudioDeploymentSpec(current.image(), current.version(), current.imagePullPolicy(), current.imagePullSecrets(),
          current.publicUrl(), current.web(), current.api(), current.worker(), current.database(), current.redis(), current.nats(),
          current.objectStore(), current.model(), current.secrets(), null, current.sandbox(), current.shutdownGraceSeconds()));
      return s;
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class)
        .inNamespace(ns).withName("acme").get() == null);
    runSandboxesThroughALifeCycle(cluster);
    runABundleThroughALifeCycle(cluster);
    client.resources(WorkerPool.class).inNamespace(ns).withName("paid").delete();
    client.resources(StudioDeployment.class).inNamespace(ns).withName("acme").delete();
    await().atMost(Duration.ofSeconds(20)).until(() -> client.apps().deployments().inNamespace(ns).list().getItems().isEmpty());
    // With its studio gone, a Bundle is let go without a call to the api (its finalizer removed).
    client.resources(Bundle.class).inNamespace(ns).withName("hello").delete();
    await().atMost(Duration.ofSeconds(20)).until(() -> client.resources(Bundle.class).inNamespace(ns).withName("hello").get() == null);
  }

  /**
   * A Bundle from a ConfigMap, with secrets. The api is not reachable here (the default address of
   * a platform's api does not resolve), so the bundle settles on ApiUnavailable: every Kubernetes
   * request of the controller is made all the same.
   */
  private static void runABundleThroughALifeCycle(MockCluster cluster) {
    var client = cluster.client;
    String ns = Fixtures.NAMESPACE;
    client.resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("hello-files").withNamespace(ns)
        .endMetadata().addToData("bundle.yaml", "name: hello\n").build()).create();
    client.resource(Fixtures.secret("hello-secrets", Map.of("api-key", "s3cr3t"))).create();
    client.resource(Fixtures.valid("""
        apiVersion: studio.dev/v1alpha1
        kind: Bundle
        metadata: {name: hello, namespace: %s}
        spec:
          studioRef: {name: acme}
          source: {configMap: {name: hello-files}}
          secretsRef: {name: hello-secrets}
        """.formatted(ns), Bundle.class)).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      var b = client.resources(Bundle.class).inNamespace(ns).withName("hello").get();
      return b.getStatus() != null && b.getStatus().condition("Ready").isPresent();
    });
  }

  /** A warm pool of one; a claim adopting its pod; a cold claim retained at expiry; one deleted at expiry. */
  private static void runSandboxesThroughALifeCycle(MockCluster cluster) {
    var client = cluster.client;
    String ns = Fixtures.NAMESPACE;
    cluster.edit(StudioDeployment.class, ns, "acme", s -> {
      var current = s.getSpec();
      var t = current.sandbox();
      var sandbox = new dev.studio.crd.v1alpha1.Sandbox(t.image(), t.orgFsImage(), t.resources(), t.devServerPort(), t.previewDomain(),
          t.previewScheme(), t.gatewayRef(), new dev.studio.crd.v1alpha1.Sandbox.WarmPool(1), t.idleTtlSeconds(), t.egress(), t.orgFs());
      s.setSpec(new StudioDeploymentSpec(current.image(), current.version(), current.imagePullPolicy(), current.imagePullSecrets(),
          current.publicUrl(), current.web(), current.api(), current.worker(), current.database(), current.redis(), current.nats(),
          current.objectStore(), current.model(), current.secrets(), current.gateway(), sandbox, current.shutdownGraceSeconds()));
      return s;
    });
    var warm = await().atMost(Duration.ofSeconds(20)).until(
        () -> client.pods().inNamespace(ns).withLabel("studio.dev/sandbox-state", "warm").list().getItems(), pods -> pods.size() == 1);
    cluster.markPodReady(ns, warm.get(0).getMetadata().getName());
    client.resource(claim("warm", "")).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> podOf(client, "warm") != null);
    String soon = java.time.Instant.now().plusSeconds(2).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    client.resource(claim("retained", "shutdownTime: \"" + soon + "\", shutdownPolicy: Retain")).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      var c = client.resources(dev.studio.crd.v1alpha1.SandboxClaim.class).inNamespace(ns).withName("retained").get();
      return c.getStatus() != null && c.getStatus().phase() == dev.studio.crd.v1alpha1.SandboxClaimStatus.Phase.Expired;
    });
    client.resource(claim("deleted", "idleTtlSeconds: 1, shutdownPolicy: Delete")).create();
    await().atMost(Duration.ofSeconds(20)).until(
        () -> client.resources(dev.studio.crd.v1alpha1.SandboxClaim.class).inNamespace(ns).withName("deleted").get() == null);
  }

  private static String podOf(io.fabric8.kubernetes.client.KubernetesClient client, String claim) {
    var c = client.resources(dev.studio.crd.v1alpha1.SandboxClaim.class).inNamespace(Fixtures.NAMESPACE).withName(claim).get();
    return c == null || c.getStatus() == null ? null : c.getStatus().podName();
  }

  private static dev.studio.crd.v1alpha1.SandboxClaim claim(String name, String lifecycle) {
    return Fixtures.valid("""
        apiVersion: studio.dev/v1alpha1
        kind: SandboxClaim
        metadata: {name: %s, namespace: %s}
        spec:
          studioRef: {name: acme}
          user: ada
          projectRef: {repo: "https://github.com/example/website.git"}
          lifecycle: {%s}
        """.formatted(name, Fixtures.NAMESPACE, lifecycle), dev.studio.crd.v1alpha1.SandboxClaim.class);
  }

  private static List<PolicyRule> concat(List<PolicyRule> a, List<PolicyRule> b) {
    var all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** A request as RBAC sees it: group, resource (with subresource), verb, namespace, name. */
  record Access(String group, String resource, String verb, String namespace, String name) {
    static Access of(RecordedRequest request) {
      String path = request.getPath();
      String query = "";
      int q = path.indexOf('?');
      if (q >= 0) {
        query = path.substring(q + 1);
        path = path.substring(0, q);
      }
      List<String> parts = new ArrayList<>(List.of(path.substring(1).split("/")));
      String group;
      if (parts.get(0).equals("api")) {
        group = "";
        parts = parts.subList(2, parts.size());
      } else {
        group = parts.get(1);
        parts = parts.subList(3, parts.size());
      }
      String namespace = null;
      if (parts.size() >= 2 && parts.get(0).equals("namespaces") && parts.size() > 2) {
        namespace = parts.get(1);
        parts = parts.subList(2, parts.size());
      }
      String resource = parts.get(0);
      String name = parts.size() > 1 ? parts.get(1) : null;
      if (parts.size() > 2) {
        resource = resource + "/" + parts.get(2);
      }
      String verb = switch (request.getMethod()) {
        case "GET" -> name != null ? "get" : query.contains("watch=true") ? "watch" : "list";
        case "POST" -> "create";
        case "PUT" -> "update";
        case "PATCH" -> "patch";
        case "DELETE" -> name != null ? "delete" : "deletecollection";
        default -> request.getMethod().toLowerCase();
      };
      return new Access(group, resource, verb, namespace, name);
    }

    String key() {
      return group + "/" + resource + " " + verb;
    }

    boolean allowedBy(PolicyRule rule) {
      boolean named = rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
          || (name != null && rule.getResourceNames().contains(name));
      return rule.getApiGroups().contains(group) && rule.getResources().contains(resource) && rule.getVerbs().contains(verb) && named;
    }

    @Override
    public String toString() {
      return key() + (namespace != null ? " in " + namespace : "") + (name != null ? " " + name : "");
    }
  }
}
