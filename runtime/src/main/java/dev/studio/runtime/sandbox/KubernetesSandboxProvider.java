package dev.studio.runtime.sandbox;

import dev.studio.crd.v1alpha1.SandboxClaim;
import dev.studio.crd.v1alpha1.SandboxClaimSpec;
import dev.studio.crd.v1alpha1.SandboxClaimStatus;
import dev.studio.crd.v1alpha1.StudioRef;
import dev.studio.runtime.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sandboxes as SandboxClaims (DESIGN §2): the runtime creates a claim named after the sandbox's
 * handle; the operator binds it to a pod (warm or cold) and reports, in the claim's status, the
 * preview URL, the daemon's Service and the Secret with its token. The daemon is reached on that
 * Service inside the cluster. Deleting the claim removes the pod and everything else it made.
 */
public final class KubernetesSandboxProvider implements SandboxProvider {
  static final String MANAGED_BY = "studio-runtime";
  /** Where the operator's sandbox pod mounts the org volumes (the sidecar's root). */
  static final String ORG_ROOT = "/workspace/org";
  /** Where the operator reads a claim's last activity for idle expiry (Expiry in the operator). */
  static final String LAST_ACTIVITY = "studio.dev/last-activity";
  /** A cold start pulls an image and starts a pod: give it a few minutes. */
  public static final Duration READY_TIMEOUT = Duration.ofMinutes(5);

  private final KubernetesClient client;
  private final String namespace;
  private final String studioDeployment;
  private final Duration readyTimeout;
  private final Map<String, DaemonEndpoint> endpoints = new ConcurrentHashMap<>();

  public KubernetesSandboxProvider(KubernetesClient client, String namespace, String studioDeployment, Duration readyTimeout) {
    this.client = client;
    this.namespace = namespace;
    this.studioDeployment = studioDeployment;
    this.readyTimeout = readyTimeout;
  }

  /** The claim for a sandbox: pure, so its exact shape is unit-tested. */
  static SandboxClaim claim(String namespace, String studioDeployment, String handle, String owner, SandboxSpec spec, int port) {
    var claimSpec = new SandboxClaimSpec(new StudioRef(studioDeployment), owner,
        new SandboxClaimSpec.ProjectRef(spec.repo(), spec.ref()),
        new SandboxClaimSpec.Setup(spec.install(), spec.build(), spec.start(), port),
        spec.orgFs().stream().map(v -> new SandboxClaimSpec.OrgFsVolume(v.volume(), "org/" + (v.path() == null ? v.volume() : v.path()),
            v.readOnly())).toList(),
        null, null, null);
    var claim = new SandboxClaim(namespace, handle, claimSpec);
    claim.getMetadata().setLabels(Map.of("app.kubernetes.io/managed-by", MANAGED_BY));
    return claim;
  }

  @Override
  public DaemonEndpoint launch(String handle, String owner, SandboxSpec spec) throws Exception {
    var claims = client.resources(SandboxClaim.class).inNamespace(namespace);
    if (claims.withName(handle).get() == null) {
      claims.resource(claim(namespace, studioDeployment, handle, owner, spec, devServerPort(spec))).create();
    }
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    while (true) {
      var claim = claims.withName(handle).get();
      var status = claim == null ? null : claim.getStatus();
      if (status != null && status.phase() == SandboxClaimStatus.Phase.Failed) {
        throw new IOException("the sandbox claim failed: " + reason(status));
      }
      if (status != null && status.phase() == SandboxClaimStatus.Phase.Ready) {
        var endpoint = endpoint(status);
        endpoints.put(handle, endpoint);
        return endpoint;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("the sandbox claim was not Ready within " + readyTimeout.toSeconds() + " s"
            + (status == null ? "" : " (" + status.phase() + ": " + reason(status) + ")"));
      }
      Thread.sleep(250);
    }
  }

  @Override
  public Optional<DaemonEndpoint> endpoint(String handle) {
    var known = endpoints.get(handle);
    if (known != null) {
      return Optional.of(known);
    }
    // Another replica launched it: the claim says where it is.
    var claim = client.resources(SandboxClaim.class).inNamespace(namespace).withName(handle).get();
    if (claim == null || claim.getStatus() == null || claim.getStatus().phase() != SandboxClaimStatus.Phase.Ready) {
      return Optional.empty();
    }
    try {
      var endpoint = endpoint(claim.getStatus());
      endpoints.put(handle, endpoint);
      return Optional.of(endpoint);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Writes the annotation the operator's idle expiry reads, only ever moving it forward. */
  @Override
  public void reportActivity(String handle, Instant lastActivity) {
    var claim = client.resources(SandboxClaim.class).inNamespace(namespace).withName(handle);
    var current = claim.get();
    if (current == null) {
      return;
    }
    var annotations = current.getMetadata().getAnnotations();
    String known = annotations == null ? null : annotations.get(LAST_ACTIVITY);
    if (known != null && !Instant.parse(known).isBefore(lastActivity)) {
      return;
    }
    claim.edit(c -> {
      var edited = c.getMetadata().getAnnotations() == null
          ? new HashMap<String, String>() : new HashMap<>(c.getMetadata().getAnnotations());
      edited.put(LAST_ACTIVITY, lastActivity.toString());
      c.getMetadata().setAnnotations(edited);
      return c;
    });
  }

  @Override
  public void stop(String handle) {
    endpoints.remove(handle);
    client.resources(SandboxClaim.class).inNamespace(namespace).withName(handle).delete();
  }

  @Override
  public void close() {
    client.close();
  }

  private DaemonEndpoint endpoint(SandboxClaimStatus status) throws IOException {
    var secret = client.secrets().inNamespace(namespace).withName(status.tokenSecretName()).get();
    if (secret == null || secret.getData() == null || !secret.getData().containsKey("token")) {
      throw new IOException("the sandbox's token Secret " + status.tokenSecretName() + " is not there");
    }
    var token = new Secret(new String(Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8));
    String service = "http://" + status.daemonService() + "." + namespace + ".svc:";
    return new DaemonEndpoint(URI.create(service + "9000"), token, status.previewUrl(), URI.create(service + "9001/"),
        ORG_ROOT);
  }

  private static String reason(SandboxClaimStatus status) {
    return status.conditions().stream().filter(c -> "Ready".equals(c.type())).findFirst()
        .map(c -> c.reason() + (c.message() == null ? "" : ": " + c.message())).orElse("no reason given");
  }
}
