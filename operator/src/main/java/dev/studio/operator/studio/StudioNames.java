package dev.studio.operator.studio;

import dev.studio.crd.v1alpha1.StudioDeployment;

/** Names of a StudioDeployment's children, and the component label each carries. */
public final class StudioNames {
  public static final String WEB = "web";
  public static final String API = "api";
  public static final String WORKER = "worker";
  public static final String CONFIG = "config";
  public static final String SECRETS = "secrets";
  public static final String FRONT_DOOR = "front-door";

  private StudioNames() {}

  public static String web(StudioDeployment studio) {
    return studio.getMetadata().getName() + "-web";
  }

  public static String webConfig(StudioDeployment studio) {
    return studio.getMetadata().getName() + "-web-config";
  }

  public static String api(StudioDeployment studio) {
    return studio.getMetadata().getName() + "-api";
  }

  public static String worker(StudioDeployment studio) {
    return studio.getMetadata().getName() + "-worker";
  }

  public static String runtimeConfig(StudioDeployment studio) {
    return studio.getMetadata().getName() + "-runtime";
  }

  public static String generatedSecret(StudioDeployment studio) {
    return studio.getMetadata().getName() + "-generated";
  }

  public static String frontDoorRoute(StudioDeployment studio) {
    return studio.getMetadata().getName();
  }
}
