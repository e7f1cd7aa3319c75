package dev.studio.e2e.process;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the Deployment controller and the kubelets of a namespace on the fabric8 mock API
 * server: every Deployment's replicas run as {@link LocalPod}s, a changed pod template replaces
 * them, a deleted Deployment stops them, and the Deployment's status reports how many answer their
 * readiness probe. A Service is a local port: the first replica its selector matches listens
 * there, so {@code <service>.<namespace>.svc} in the operator's settings becomes {@code
 * 127.0.0.1:<port>}. (One replica per Service takes its traffic: there is no load balancing.)
 */
public final class ProcessKubelet implements AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, Integer> servicePorts = new ConcurrentHashMap<>();
  private final Map<String, Replicas> deployments = new HashMap<>();
  private final Map<String, SandboxPod> pods = new HashMap<>();
  private final ClusterNetwork network;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
    var thread = new Thread(r, "process-kubelet");
    thread.setDaemon(true);
    return thread;
  });

  /** The running replicas of one Deployment generation. */
  private record Replicas(long generation, List<LocalPod> pods) {}

  public ProcessKubelet(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    try {
      this.network = new ClusterNetwork(Files.createTempDirectory("process-cluster-"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Where a cluster name ({@code <service>.<namespace>.svc}) points, e.g. a sandbox's daemon Service. */
  public Optional<String> address(String host) {
    return network.address(host);
  }

  /** The cluster's Gateway for the HTTPRoutes the operator writes (preview hosts). */
  public PreviewGateway gateway() throws IOException {
    return new PreviewGateway(client, namespace, network);
  }

  /** Names of the bare pods (sandboxes) that run here now. */
  public synchronized Set<String> sandboxPods() {
    return Set.copyOf(pods.keySet());
  }

  /** The local port of a Service (allocated on first use), e.g. to tell the operator where an api is. */
  public int servicePort(String service) {
    return servicePorts.computeIfAbsent(service, s -> freePort());
  }

  public ProcessKubelet start() {
    loop.scheduleWithFixedDelay(this::reconcileQuietly, 0, 300, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Names of the Deployments whose pods run here now. */
  public synchronized Set<String> running() {
    var names = new HashSet<String>();
    deployments.forEach((name, replicas) -> {
      if (!replicas.pods().isEmpty()) {
        names.add(name);
      }
    });
    return names;
  }

  /** Why pods of a Deployment cannot run, if they cannot. */
  public synchronized List<String> problems(String deployment) {
    var replicas = deployments.get(deployment);
    return replicas == null ? List.of() : replicas.pods().stream().flatMap(p -> p.problems().stream()).toList();
  }

  private void reconcileQuietly() {
    try {
      reconcile();
    } catch (RuntimeException | IOException e) {
      System.err.println("process kubelet: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void reconcile() throws IOException, InterruptedException {
    collectGarbage();
    var present = new TreeMap<String, Deployment>();
    client.apps().deployments().inNamespace(namespace).list().getItems().forEach(d -> present.put(d.getMetadata().getName(), d));
    for (String gone : new ArrayList<>(deployments.keySet())) {
      if (!present.containsKey(gone)) {
        deployments.remove(gone).pods().forEach(LocalPod::close);
      }
    }
    List<Service> services = client.services().inNamespace(namespace).list().getItems();
    for (Deployment deployment : present.values()) {
      String name = deployment.getMetadata().getName();
      long generation = Objects.requireNonNullElse(deployment.getMetadata().getGeneration(), 1L);
      var replicas = deployments.get(name);
      if (replicas == null || replicas.generation() != generation) {
        if (replicas != null) {
          replicas.pods().forEach(LocalPod::close);
        }
        replicas = new Replicas(generation, new ArrayList<>());
        deployments.put(name, replicas);
      }
      int desired = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
      while (replicas.pods().size() > desired) {
        replicas.pods().remove(replicas.pods().size() - 1).close();
      }
      while (replicas.pods().size() < desired) {
        String pod = name + "-" + Long.toHexString(System.nanoTime()).substring(6);
        int port = replicas.pods().isEmpty() ? portFor(deployment, services) : freePort();
        replicas.pods().add(LocalPod.start(pod, deployment.getSpec().getTemplate(), port, podCluster()));
      }
      report(deployment, desired, (int) replicas.pods().stream().filter(LocalPod::ready).count());
    }
    reconcilePods(services);
  }

  private LocalPod.Cluster podCluster() {
    return new LocalPod.Cluster(namespace, s -> client.secrets().inNamespace(namespace).withName(s).get(),
        c -> client.configMaps().inNamespace(namespace).withName(c).get(), this::servicePort, client.getMasterUrl().toString(), network);
  }

  /**
   * Bare pods (the operator's sandbox pods, warm or claimed) run as {@link SandboxPod}s at
   * addresses of their own; each Service selecting one gets its cluster name pointed there; each
   * pod's status says where it is and whether it is ready, as the kubelet would.
   */
  private void reconcilePods(List<Service> services) throws IOException {
    var present = new TreeMap<String, Pod>();
    client.pods().inNamespace(namespace).list().getItems().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .forEach(p -> present.put(p.getMetadata().getName(), p));
    for (String gone : new ArrayList<>(pods.keySet())) {
      if (!present.containsKey(gone)) {
        pods.remove(gone).close();
      }
    }
    for (Pod pod : present.values()) {
      var local = pods.get(pod.getMetadata().getName());
      if (local == null) {
        local = SandboxPod.start(pod, network.podAddress(), podCluster());
        pods.put(pod.getMetadata().getName(), local);
      }
      report(pod, local);
    }
    for (Service service : services) {
      var selector = service.getSpec().getSelector();
      String host = service.getMetadata().getName() + "." + namespace + ".svc";
      var selected = selector == null || selector.isEmpty() ? Optional.<SandboxPod>empty()
          : pods.values().stream().filter(p -> p.labels.entrySet().containsAll(selector.entrySet())).findFirst();
      selected.ifPresentOrElse(p -> network.name(host, p.address), () -> network.forget(host));
    }
  }

  /** Writes a pod's status as its kubelet would, when it changed. */
  private void report(Pod pod, SandboxPod local) {
    boolean ready = local.ready();
    var status = pod.getStatus();
    boolean reported = status != null && "Running".equals(status.getPhase()) && local.address.equals(status.getPodIP())
        && status.getConditions() != null && status.getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && c.getStatus().equals(ready ? "True" : "False"));
    if (reported) {
      return;
    }
    String now = Instant.now().toString();
    pod.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP(local.address).withHostIP("127.0.0.1").withStartTime(now)
        .withConditions(new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False").withLastTransitionTime(now).build(),
            new PodConditionBuilder().withType("ContainersReady").withStatus(ready ? "True" : "False").withLastTransitionTime(now).build())
        .build());
    try {
      client.pods().inNamespace(namespace).resource(pod).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409 && e.getCode() != 404) {
        throw e;
      }
      // Written or deleted meanwhile: the next pass looks again.
    }
  }

  /** Why a sandbox pod cannot run, if it cannot. */
  public synchronized List<String> podProblems(String pod) {
    var local = pods.get(pod);
    return local == null ? List.of() : local.problems();
  }

  /**
   * The mock API server has no garbage collector: objects whose owner is gone are deleted here, as
   * the cluster's would (background propagation), so deleting a resource leaves nothing behind.
   */
  private void collectGarbage() {
    List<io.fabric8.kubernetes.api.model.HasMetadata> owned = new ArrayList<>();
    owned.addAll(client.apps().deployments().inNamespace(namespace).list().getItems());
    owned.addAll(client.services().inNamespace(namespace).list().getItems());
    owned.addAll(client.configMaps().inNamespace(namespace).list().getItems());
    owned.addAll(client.secrets().inNamespace(namespace).list().getItems());
    owned.addAll(client.serviceAccounts().inNamespace(namespace).list().getItems());
    owned.addAll(client.policy().v1().podDisruptionBudget().inNamespace(namespace).list().getItems());
    owned.addAll(client.rbac().roles().inNamespace(namespace).list().getItems());
    owned.addAll(client.rbac().roleBindings().inNamespace(namespace).list().getItems());
    owned.addAll(client.network().v1().networkPolicies().inNamespace(namespace).list().getItems());
    owned.addAll(client.pods().inNamespace(namespace).list().getItems());
    try {
      owned.addAll(client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class).inNamespace(namespace).list().getItems());
    } catch (KubernetesClientException e) {
      // No Gateway API in this cluster: no routes.
    }
    Set<String> uids = new HashSet<>();
    client.genericKubernetesResources("studio.dev/v1alpha1", "StudioDeployment").inNamespace(namespace).list().getItems()
        .forEach(r -> uids.add(r.getMetadata().getUid()));
    client.genericKubernetesResources("studio.dev/v1alpha1", "WorkerPool").inNamespace(namespace).list().getItems()
        .forEach(r -> uids.add(r.getMetadata().getUid()));
    client.genericKubernetesResources("studio.dev/v1alpha1", "SandboxClaim").inNamespace(namespace).list().getItems()
        .forEach(r -> uids.add(r.getMetadata().getUid()));
    client.genericKubernetesResources("studio.dev/v1alpha1", "Bundle").inNamespace(namespace).list().getItems()
        .forEach(r -> uids.add(r.getMetadata().getUid()));
    owned.forEach(o -> uids.add(o.getMetadata().getUid()));
    for (var object : owned) {
      var owners = object.getMetadata().getOwnerReferences();
      if (owners != null && !owners.isEmpty() && owners.stream().noneMatch(o -> uids.contains(o.getUid()))) {
        try {
          client.resource(object).delete();
        } catch (KubernetesClientException e) {
          // Gone already, or written meanwhile: the next pass looks again.
        }
      }
    }
  }

  /** The port of the Service that selects the Deployment's pods, or a free one if none does. */
  private int portFor(Deployment deployment, List<Service> services) {
    Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    for (Service service : services) {
      var selector = service.getSpec().getSelector();
      if (selector != null && !selector.isEmpty() && labels != null && labels.entrySet().containsAll(selector.entrySet())) {
        return servicePort(service.getMetadata().getName());
      }
    }
    return freePort();
  }

  /** Writes the Deployment's status as its controller would, when it changed. */
  private void report(Deployment deployment, int desired, int ready) {
    var status = deployment.getStatus();
    long generation = Objects.requireNonNullElse(deployment.getMetadata().getGeneration(), 1L);
    if (status != null && Objects.equals(status.getReadyReplicas(), ready) && Objects.equals(status.getReplicas(), desired)
        && Objects.equals(status.getObservedGeneration(), generation)) {
      return;
    }
    String now = Instant.now().toString();
    deployment.setStatus(new DeploymentStatusBuilder()
        .withObservedGeneration(generation)
        .withReplicas(desired).withReadyReplicas(ready).withUpdatedReplicas(desired).withAvailableReplicas(ready)
        .withConditions(new DeploymentConditionBuilder().withType("Available").withStatus(ready >= desired ? "True" : "False")
            .withReason(ready >= desired ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
            .withLastUpdateTime(now).withLastTransitionTime(now).build())
        .build());
    try {
      client.apps().deployments().inNamespace(namespace).resource(deployment).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Written meanwhile: the next pass reports again.
    }
  }

  private static int freePort() {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void close() {
    loop.shutdownNow();
    deployments.values().forEach(r -> r.pods().forEach(LocalPod::close));
    deployments.clear();
    pods.values().forEach(SandboxPod::close);
    pods.clear();
  }
}
