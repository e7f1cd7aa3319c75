package dev.studio.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the cluster has the Gateway API's HTTPRoute CRD. Checked at most once per {@link #TTL},
 * so installing the Gateway API later is noticed without a restart and without a lookup on every
 * reconcile.
 */
public final class GatewayApi {
  public static final String HTTPROUTE_CRD = "httproutes.gateway.networking.k8s.io";
  public static final Duration TTL = Duration.ofSeconds(60);
  /** How often a resource waiting for the Gateway API looks again for CRDs installed after the fact. */
  public static final Duration RECHECK = Duration.ofMinutes(5);
  private static final Logger log = LoggerFactory.getLogger(GatewayApi.class);

  private final KubernetesClient client;
  private volatile boolean installed;
  private volatile Instant checkedAt = Instant.EPOCH;

  public GatewayApi(KubernetesClient client) {
    this.client = client;
  }

  public boolean installed() {
    Instant now = Instant.now();
    if (now.isAfter(checkedAt.plus(TTL))) {
      synchronized (this) {
        if (now.isAfter(checkedAt.plus(TTL))) {
          installed = lookUp();
          checkedAt = now;
        }
      }
    }
    return installed;
  }

  /** Forget the last answer (tests install the CRD and want it seen at once). */
  public void recheck() {
    checkedAt = Instant.EPOCH;
  }

  private boolean lookUp() {
    try {
      return client.apiextensions().v1().customResourceDefinitions().withName(HTTPROUTE_CRD).get() != null;
    } catch (KubernetesClientException e) {
      log.warn("cannot tell whether the Gateway API is installed ({}); assuming it is not", e.getMessage());
      return false;
    }
  }
}
