package dev.studio.operator;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's settings, read once from the environment at start-up. A malformed value stops
 * start-up with one line naming the variable.
 *
 * @param watchNamespaces namespaces to watch; empty means all ({@code WATCH_NAMESPACES})
 * @param leaderElection whether to elect a leader among replicas ({@code LEADER_ELECTION_ENABLED})
 * @param leaseName the Lease the replicas compete for ({@code LEADER_ELECTION_LEASE_NAME})
 * @param leaseNamespace where the Lease lives ({@code POD_NAMESPACE}; null: the client's default)
 * @param identity this replica's name in the Lease ({@code POD_NAME})
 * @param httpPort metrics and health port ({@code HTTP_PORT})
 * @param images default images ({@code STUDIO_RUNTIME_IMAGE}, {@code STUDIO_DAEMON_IMAGE}, {@code
 *     STUDIO_SIDECAR_IMAGE}, {@code STUDIO_VERSION})
 * @param reconcileThreads concurrent reconciles ({@code RECONCILE_THREADS})
 * @param autoscaling how WorkerPools with autoscaling read queue depth and scale
 */
public record OperatorConfig(
    Set<String> watchNamespaces,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    String identity,
    int httpPort,
    Images images,
    int reconcileThreads,
    Autoscaling autoscaling) {

  /**
   * Queue-depth autoscaling of WorkerPools, and where the operator calls a platform's api (queue
   * depths, and Bundles: see {@link dev.studio.operator.platform.PlatformApi}).
   *
   * @param apiUrl where a platform's api answers, {@code {name}} and {@code {namespace}} filled in
   *     ({@code STUDIO_API_URL}, default {@code http://{name}-api.{namespace}.svc:8080})
   * @param every how often depth is read ({@code AUTOSCALE_INTERVAL_SECONDS}, default 15)
   * @param scaleDownAfter how long depth must stay low before a pool shrinks ({@code
   *     AUTOSCALE_SCALE_DOWN_SECONDS}, default 120)
   */
  public record Autoscaling(String apiUrl, java.time.Duration every, java.time.Duration scaleDownAfter) {
    public static final String DEFAULT_API_URL = "http://{name}-api.{namespace}.svc:8080";

    public String apiUrlOf(String name, String namespace) {
      return apiUrl.replace("{name}", name).replace("{namespace}", namespace);
    }
  }

  /** Thrown with the one line to print when a setting is wrong. */
  public static final class InvalidSetting extends RuntimeException {
    public InvalidSetting(String message) {
      super(message);
    }
  }

  public static OperatorConfig fromEnv(Map<String, String> env) {
    String version = env.getOrDefault("STUDIO_VERSION", defaultVersion());
    return new OperatorConfig(
        Arrays.stream(env.getOrDefault("WATCH_NAMESPACES", "").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet()),
        bool(env, "LEADER_ELECTION_ENABLED", true),
        env.getOrDefault("LEADER_ELECTION_LEASE_NAME", "studio-operator-lock"),
        env.get("POD_NAMESPACE"),
        env.getOrDefault("POD_NAME", hostname()),
        integer(env, "HTTP_PORT", 8080, 0, 65535),
        new Images(
            env.getOrDefault("STUDIO_RUNTIME_IMAGE", Images.DEFAULT_RUNTIME),
            env.getOrDefault("STUDIO_DAEMON_IMAGE", Images.DEFAULT_DAEMON),
            env.getOrDefault("STUDIO_SIDECAR_IMAGE", Images.DEFAULT_SIDECAR),
            version),
        integer(env, "RECONCILE_THREADS", 10, 1, 200),
        new Autoscaling(
            env.getOrDefault("STUDIO_API_URL", Autoscaling.DEFAULT_API_URL),
            java.time.Duration.ofSeconds(integer(env, "AUTOSCALE_INTERVAL_SECONDS", 15, 1, 3600)),
            java.time.Duration.ofSeconds(integer(env, "AUTOSCALE_SCALE_DOWN_SECONDS", 120, 0, 86400))));
  }

  /** The version this jar was built as; images default to the same tag. */
  public static String defaultVersion() {
    return Version.get();
  }

  private static boolean bool(Map<String, String> env, String name, boolean fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return switch (value.trim().toLowerCase()) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new InvalidSetting(name + " must be true or false, not '" + value + "'");
    };
  }

  private static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < min || parsed > max) {
        throw new InvalidSetting(name + " must be between " + min + " and " + max + ", not " + parsed);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new InvalidSetting(name + " must be a whole number, not '" + value + "'");
    }
  }

  private static String hostname() {
    String host = System.getenv("HOSTNAME");
    return host != null ? host : "studio-operator-" + ProcessHandle.current().pid();
  }
}
