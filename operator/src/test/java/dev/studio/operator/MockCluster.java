package dev.studio.operator;

import dev.studio.crd.CrdFiles;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A Kubernetes API for tests: the fabric8 mock server in CRUD mode, with our CRDs installed, the
 * status subresource of Deployments and Pods honoured as a real server does, and a stand-in for
 * the garbage collector (the mock server does not follow owner references) so that deleting a
 * resource deletes what it owns, exactly as far as its owner references reach.
 */
public final class MockCluster implements AutoCloseable {
  /** Kinds the stand-in garbage collector sweeps for orphans. */
  private static final List<Class<? extends HasMetadata>> OWNED_KINDS =
      List.of(Deployment.class, Service.class, ConfigMap.class, Secret.class, ServiceAccount.class, Role.class,
          RoleBinding.class, PodDisruptionBudget.class, Pod.class, NetworkPolicy.class);

  public final KubernetesMockServer server;
  public final KubernetesClient client;
  private final List<Watch> watches = new ArrayList<>();
  private final List<StudioOperator> operators = new ArrayList<>();
  private final List<KubernetesClient> operatorClients = new ArrayList<>();

  static {
    // The mock server logs every request at INFO; tests and benchmarks make thousands.
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
  }

  private MockCluster(boolean gatewayApi) {
    var responses = new HashMap<io.fabric8.mockwebserver.ServerRequest, java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
    server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), false);
    server.init();
    // JOSDK asks, before leader election, whether it may use Leases; a real API server answers from
    // RBAC (the chart's Role grants get, create, update); the mock server cannot, so we answer.
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewStatus().addNewResourceRule()
            .withApiGroups("coordination.k8s.io").withResources("leases").withVerbs("get", "create", "update", "patch")
            .endResourceRule().withIncomplete(false).endStatus().build())
        .always();
    client = server.createClient();
    for (String plural : List.of("deployments")) {
      server.expectCustomResource(new CustomResourceDefinitionContext.Builder().withGroup("apps").withVersion("v1")
          .withPlural(plural).withKind("Deployment").withScope("Namespaced").withStatusSubresource(true).build());
    }
    server.expectCustomResource(new CustomResourceDefinitionContext.Builder().withGroup("").withVersion("v1")
        .withPlural("pods").withKind("Pod").withScope("Namespaced").withStatusSubresource(true).build());
    for (CustomResourceDefinition crd : CrdFiles.load()) {
      crd.getMetadata().setResourceVersion(null);
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
    if (gatewayApi) {
      installGatewayApi();
    }
    startGarbageCollector();
  }

  public static MockCluster start() {
    return new MockCluster(false);
  }

  public static MockCluster withGatewayApi() {
    return new MockCluster(true);
  }

  /** The settings a test operator runs with: all namespaces, no leader election. */
  public static OperatorConfig operatorConfig() {
    return new OperatorConfig(Set.of(), false, "studio-operator-lock", null, "test-operator", 0,
        new Images(Images.DEFAULT_RUNTIME, Images.DEFAULT_DAEMON, Images.DEFAULT_SIDECAR, "0.1.0-test"), 4,
        new OperatorConfig.Autoscaling(OperatorConfig.Autoscaling.DEFAULT_API_URL, java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2)));
  }

  public StudioOperator startOperator() {
    return startOperator(operatorConfig());
  }

  /**
   * Starts the operator with a client of its own, whose requests carry the operator's User-Agent
   * (as in production), so tests can tell them from the test's own.
   */
  public StudioOperator startOperator(OperatorConfig config) {
    var operatorClient = server.createClient(b -> b.editOrNewConfig().withUserAgent(StudioOperator.USER_AGENT + "/test").endConfig());
    operatorClients.add(operatorClient);
    var operator = new StudioOperator(operatorClient, config, new SimpleMeterRegistry(), false);
    operator.start();
    operators.add(operator);
    return operator;
  }

  /** Installs the HTTPRoute CRD, as installing the Gateway API would. */
  public void installGatewayApi() {
    var crd = new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(GatewayApi.HTTPROUTE_CRD).endMetadata()
        .withNewSpec().withGroup("gateway.networking.k8s.io").withScope("Namespaced")
        .withNewNames().withKind("HTTPRoute").withPlural("httproutes").withSingular("httproute").withListKind("HTTPRouteList").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
        .withNewSubresources().withNewStatus().endStatus().endSubresources()
        .endVersion()
        .endSpec().build();
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
  }

  /** Reports a Deployment rolled out and ready, as the Deployment controller and kubelets would. */
  public void markReady(String namespace, String name) {
    var deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
    Objects.requireNonNull(deployment, "no Deployment " + namespace + "/" + name);
    int replicas = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
    String now = Instant.now().toString();
    deployment.setStatus(new DeploymentStatusBuilder()
        .withObservedGeneration(deployment.getMetadata().getGeneration())
        .withReplicas(replicas).withReadyReplicas(replicas).withUpdatedReplicas(replicas).withAvailableReplicas(replicas)
        .withConditions(
            new DeploymentConditionBuilder().withType("Available").withStatus("True").withReason("MinimumReplicasAvailable").withLastUpdateTime(now).withLastTransitionTime(now).build(),
            new DeploymentConditionBuilder().withType("Progressing").withStatus("True").withReason("NewReplicaSetAvailable").withLastUpdateTime(now).withLastTransitionTime(now).build())
        .build());
    client.apps().deployments().inNamespace(namespace).resource(deployment).updateStatus();
  }

  /**
   * Reports a pod Ready, as its kubelet would once the readiness probe passes; tries again when the
   * operator wrote the pod in the meantime (409), as a kubelet does.
   */
  public void markPodReady(String namespace, String name) {
    for (int attempt = 1; ; attempt++) {
      var pod = client.pods().inNamespace(namespace).withName(name).get();
      Objects.requireNonNull(pod, "no Pod " + namespace + "/" + name);
      pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running")
          .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(Instant.now().toString()).endCondition()
          .build());
      try {
        client.pods().inNamespace(namespace).resource(pod).updateStatus();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  /**
   * Edits a resource as {@code kubectl edit} does, trying again when the operator wrote it in the
   * meantime (409 Conflict), as a person would.
   */
  public <T extends HasMetadata> T edit(Class<T> type, String namespace, String name, java.util.function.UnaryOperator<T> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return client.resources(type).inNamespace(namespace).withName(name).edit(change);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  /** Every request the server received since the last call, oldest first. */
  public List<RecordedRequest> drainRequests() {
    List<RecordedRequest> requests = new ArrayList<>();
    try {
      RecordedRequest request;
      while ((request = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
        requests.add(request);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return requests;
  }

  /** The requests the operator made (by its User-Agent). */
  public static List<RecordedRequest> byOperator(List<RecordedRequest> requests) {
    return requests.stream()
        .filter(r -> {
          String agent = r.getHeader("User-Agent");
          return agent != null && agent.startsWith(StudioOperator.USER_AGENT);
        })
        .toList();
  }

  /** Requests that change something: anything but reads and watches. */
  public static List<String> writes(List<RecordedRequest> requests) {
    return requests.stream()
        .filter(r -> !r.getMethod().equals("GET"))
        .map(r -> r.getMethod() + " " + r.getPath())
        .toList();
  }

  private void startGarbageCollector() {
    for (Class<? extends HasMetadata> kind : List.of(
        dev.studio.crd.v1alpha1.StudioDeployment.class, dev.studio.crd.v1alpha1.WorkerPool.class,
        dev.studio.crd.v1alpha1.SandboxClaim.class, dev.studio.crd.v1alpha1.Bundle.class, Pod.class)) {
      watches.add(watchDeletions(kind));
    }
  }

  private <T extends HasMetadata> Watch watchDeletions(Class<T> kind) {
    return client.resources(kind).inAnyNamespace().watch(new Watcher<T>() {
      @Override
      public void eventReceived(Action action, T owner) {
        if (action == Action.DELETED) {
          collect(owner.getMetadata().getUid());
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    });
  }

  private void collect(String ownerUid) {
    List<Class<? extends HasMetadata>> kinds = new ArrayList<>(OWNED_KINDS);
    if (client.apiextensions().v1().customResourceDefinitions().withName(GatewayApi.HTTPROUTE_CRD).get() != null) {
      kinds.add(HTTPRoute.class);
    }
    for (Class<? extends HasMetadata> kind : kinds) {
      for (HasMetadata owned : client.resources(kind).inAnyNamespace().list().getItems()) {
        boolean ownedByIt = owned.getMetadata().getOwnerReferences() != null
            && owned.getMetadata().getOwnerReferences().stream().anyMatch(r -> ownerUid.equals(r.getUid()));
        if (ownedByIt) {
          try {
            client.resource(owned).delete();
          } catch (KubernetesClientException ignored) {
            // Already gone.
          }
        }
      }
    }
  }

  @Override
  public void close() {
    operators.forEach(StudioOperator::close);
    operatorClients.forEach(KubernetesClient::close);
    watches.forEach(Watch::close);
    client.close();
    server.destroy();
  }
}
