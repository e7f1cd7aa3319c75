package dev.studio.crd.v1alpha1;

/** API coordinates and the name rules shared by the four kinds. */
public final class Names {
  public static final String GROUP = "studio.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** RFC 1123 label: what Kubernetes accepts as a Service name, and we as a reference to one. */
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  /** RFC 1123 subdomain: what Kubernetes accepts as a Secret or ConfigMap name. */
  public static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** A key in a Secret or ConfigMap. */
  public static final String DATA_KEY = "^[-._a-zA-Z0-9]+$";

  /** A Go duration such as {@code 90s}, {@code 5m} or {@code 1h30m}. */
  public static final String DURATION = "^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$";

  private Names() {}
}
