package dev.studio.operator.sandbox;

import dev.studio.crd.v1alpha1.StudioDeployment;

/**
 * Names and labels of sandbox children. A claim's children are named after its handle, not its
 * name: claim names may be 253 characters, a Service name only 63, and label values 63.
 */
public final class SandboxNames {
  public static final String COMPONENT = "sandbox";
  /** {@code warm} while a pod waits in the pool, {@code bound} once a claim has it. */
  public static final String STATE = "studio.dev/sandbox-state";
  public static final String WARM = "warm";
  public static final String BOUND = "bound";
  /** The handle of the claim a pod is bound to; Service and NetworkPolicy select on it. */
  public static final String HANDLE = "studio.dev/sandbox-handle";
  /** The Secret key holding the daemon token. */
  public static final String TOKEN_KEY = "token";

  private SandboxNames() {}

  public static String child(String handle) {
    return "sbx-" + handle;
  }

  /** The token Secret of a pod: {@code <pod>-token}. */
  public static String tokenSecret(String podName) {
    return podName + "-token";
  }

  /** A warm pod of {@code studio}, with a random suffix (pod names are 253 characters at most). */
  public static String warmPod(StudioDeployment studio, String suffix) {
    return studio.getMetadata().getName() + "-warm-" + suffix;
  }

  /** The NetworkPolicy covering a studio's warm pods. */
  public static String warmPolicy(StudioDeployment studio) {
    return studio.getMetadata().getName() + "-sandbox-warm";
  }

  public static String previewHost(String handle, String previewDomain) {
    return handle + ".preview." + previewDomain;
  }
}
