package dev.studio.runtime;

import dev.studio.runtime.admission.RateLimits;
import dev.studio.runtime.datastore.PostgresUrl;
import dev.studio.runtime.dispatch.Lane;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The runtime's settings (DESIGN §3), read once from the environment at start-up. A missing or
 * malformed setting throws {@link InvalidSetting} with one line naming the variable; secrets are
 * {@link Secret}s, which never print.
 */
public record RuntimeConfig(
    Role role,
    Set<Lane> listenQueues,
    int maxConcurrentRuns,
    int httpPort,
    PostgresUrl database,
    int databasePool,
    String redisUrl,
    List<String> natsServers,
    Optional<ObjectStore> objectStore,
    String publicUrl,
    String instance,
    Secret encryptionKey,
    Secret jwtSecret,
    Secret adminToken,
    Model model,
    Sandboxes sandboxes,
    String podName,
    Optional<String> podNamespace,
    Duration shutdownGrace,
    Dispatch dispatch,
    OrgFs orgFs,
    Files files,
    Links links) {

  /**
   * Desktop links (the link feature).
   *
   * @param bucket the NATS KV bucket of link presence (STUDIO_LINK_BUCKET, {@code studio_links})
   * @param presenceTtl how long a presence entry lives without a heartbeat: the bucket's max age
   *     (STUDIO_LINK_PRESENCE_TTL_SECONDS, 60); links heartbeat every third of it
   * @param watchEvery how often the watcher looks for linked runs whose link is gone
   *     (STUDIO_LINK_WATCH_SECONDS, 5)
   * @param toolUrlTtl how long a signed tool URL handed to a link works (STUDIO_LINK_TOOL_URL_TTL_SECONDS, 900)
   */
  public record Links(String bucket, Duration presenceTtl, Duration watchEvery, Duration toolUrlTtl) {}

  /**
   * Files on the object store.
   *
   * @param maxUploadBytes bytes one upload may have, through the API or a presigned PUT
   *     (STUDIO_FILES_MAX_UPLOAD_BYTES, 500 MB)
   * @param urlTtl how long a presigned GET or PUT URL works (STUDIO_FILES_URL_TTL_SECONDS, 15 min)
   */
  public record Files(long maxUploadBytes, Duration urlTtl) {}

  /**
   * The org filesystem.
   *
   * @param quotaBytes bytes of files one org may keep across its volumes (STUDIO_ORGFS_QUOTA_BYTES, 500 MB)
   * @param changesWait how long {@code changes?wait=1} holds a request open when nothing changed
   *     (STUDIO_ORGFS_CHANGES_WAIT_SECONDS, 28 s: under the usual 30 s proxy idle timeouts)
   */
  public record OrgFs(long quotaBytes, Duration changesWait) {}

  /**
   * Run dispatch and admission.
   *
   * @param lease how long a worker's claim on a run lasts without renewal (STUDIO_RUN_LEASE_SECONDS)
   * @param maxSteps model calls a run may make (STUDIO_MAX_STEPS)
   * @param jobReclaim a background job idle this long is taken from its worker (STUDIO_JOB_RECLAIM_SECONDS)
   * @param queuePerSlot queued runs the platform takes per worker slot before backpressure (STUDIO_QUEUE_PER_SLOT)
   * @param queueFloor queued runs always accepted, whatever the workers (STUDIO_QUEUE_FLOOR)
   * @param rateLimits per-tier limits (STUDIO_RATE_LIMITS)
   * @param maxStreamClients SSE clients one api process serves (STUDIO_MAX_STREAM_CLIENTS)
   */
  public record Dispatch(Duration lease, int maxSteps, Duration jobReclaim, int queuePerSlot, int queueFloor,
      RateLimits rateLimits, int maxStreamClients) {}

  /** An S3-compatible object store. */
  public record ObjectStore(
      String endpoint, String bucket, String region, String accessKeyId, Secret secretAccessKey, boolean forcePathStyle) {}

  /** The model provider runs call. */
  public record Model(Provider provider, Optional<String> name, Optional<Secret> apiKey, Optional<String> baseUrl) {
    public enum Provider {
      anthropic,
      openai,
      dev
    }
  }

  /** Where sandboxes run: pods through SandboxClaims, or daemon processes on this machine. */
  /**
   * Sandboxes.
   *
   * @param daemonCommand how the {@code local} provider starts a daemon (SANDBOX_DAEMON_COMMAND,
   *     words split on spaces; by default {@code java -jar daemon/target/studio-daemon-<version>.jar}
   *     if that file is there, as after the README's build); empty: local sandboxes cannot start
   */
  public record Sandboxes(Provider provider, Optional<String> previewDomain, Optional<String> studioDeployment,
      List<String> daemonCommand) {
    public enum Provider {
      kubernetes,
      local
    }
  }

  /**
   * PostgreSQL connections by default (STUDIO_DATABASE_POOL_SIZE): twice the run slots, at least
   * 10 and at most 16. A run holds a connection only for a statement, and more connections do not
   * make the database faster: in the runs benchmark (two cores, 64 slots) the worker did a little
   * more with 12 connections than with 128, each one another backend process to schedule.
   */
  static int defaultPool(int maxConcurrentRuns) {
    return Math.max(10, Math.min(16, 2 * maxConcurrentRuns));
  }

  public static RuntimeConfig fromEnv(Map<String, String> env) {
    var settings = new Settings(env);
    Role role = settings.choice("STUDIO_ROLE", Role.class, Role.all);
    int maxConcurrentRuns = settings.integer("STUDIO_MAX_CONCURRENT_RUNS", 5, 1, 1000);
    return new RuntimeConfig(
        role,
        listenQueues(settings),
        maxConcurrentRuns,
        settings.integer("STUDIO_HTTP_PORT", 8080, 0, 65535),
        PostgresUrl.parse("DATABASE_URL", settings.required("DATABASE_URL", "postgres://user:password@host:5432/db")),
        settings.integer("STUDIO_DATABASE_POOL_SIZE", defaultPool(maxConcurrentRuns), 1, 1000),
        redisUrl(settings),
        natsServers(settings),
        objectStore(settings),
        publicUrl(settings),
        settings.optional("STUDIO_INSTANCE").orElse("default"),
        settings.secret("STUDIO_ENCRYPTION_KEY", "the vault's key, 32 bytes in base64"),
        settings.secret("STUDIO_JWT_SECRET", "the secret signing session tokens"),
        settings.secret("STUDIO_ADMIN_TOKEN", "the bootstrap admin token"),
        model(settings),
        new Sandboxes(
            settings.choice("SANDBOX_PROVIDER", Sandboxes.Provider.class, Sandboxes.Provider.local),
            settings.optional("SANDBOX_PREVIEW_DOMAIN"),
            settings.optional("STUDIO_DEPLOYMENT"),
            daemonCommand(settings)),
        settings.optional("POD_NAME").orElseGet(RuntimeConfig::hostname),
        settings.optional("POD_NAMESPACE"),
        Duration.ofSeconds(settings.integer("SHUTDOWN_GRACE_SECONDS", 30, 0, 3600)),
        new Dispatch(
            Duration.ofSeconds(settings.integer("STUDIO_RUN_LEASE_SECONDS", 30, 1, 3600)),
            settings.integer("STUDIO_MAX_STEPS", 50, 1, 1000),
            Duration.ofSeconds(settings.integer("STUDIO_JOB_RECLAIM_SECONDS", 60, 1, 86400)),
            settings.integer("STUDIO_QUEUE_PER_SLOT", 20, 1, 100_000),
            settings.integer("STUDIO_QUEUE_FLOOR", 1000, 0, 10_000_000),
            settings.optional("STUDIO_RATE_LIMITS").map(v -> RateLimits.parse("STUDIO_RATE_LIMITS", v)).orElse(RateLimits.defaults()),
            settings.integer("STUDIO_MAX_STREAM_CLIENTS", 20_000, 1, 1_000_000)),
        new OrgFs(
            settings.integer("STUDIO_ORGFS_QUOTA_BYTES", 500 * 1024 * 1024, 1, Integer.MAX_VALUE),
            Duration.ofSeconds(settings.integer("STUDIO_ORGFS_CHANGES_WAIT_SECONDS", 28, 1, 300))),
        new Files(
            settings.integer("STUDIO_FILES_MAX_UPLOAD_BYTES", 500 * 1024 * 1024, 1, Integer.MAX_VALUE),
            Duration.ofSeconds(settings.integer("STUDIO_FILES_URL_TTL_SECONDS", 900, 1, 7 * 24 * 3600))),
        new Links(
            linkBucket(settings),
            Duration.ofSeconds(settings.integer("STUDIO_LINK_PRESENCE_TTL_SECONDS", 60, 2, 3600)),
            Duration.ofSeconds(settings.integer("STUDIO_LINK_WATCH_SECONDS", 5, 1, 3600)),
            Duration.ofSeconds(settings.integer("STUDIO_LINK_TOOL_URL_TTL_SECONDS", 900, 10, 86400))));
  }

  private static String linkBucket(Settings settings) {
    String bucket = settings.optional("STUDIO_LINK_BUCKET").orElse("studio_links");
    if (!bucket.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new InvalidSetting("STUDIO_LINK_BUCKET must be letters, digits, '_' or '-', got '" + bucket + "'");
    }
    return bucket;
  }

  /** How to start a local sandbox daemon, from SANDBOX_DAEMON_COMMAND or the built jar (the link's too). */
  public static List<String> daemonCommand(Map<String, String> env) {
    return daemonCommand(new Settings(env));
  }

  private static List<String> daemonCommand(Settings settings) {
    var configured = settings.optional("SANDBOX_DAEMON_COMMAND");
    if (configured.isPresent()) {
      return List.of(configured.get().strip().split("\\s+"));
    }
    var jar = Path.of("daemon", "target", "studio-daemon-" + Version.get() + ".jar");
    if (!java.nio.file.Files.isRegularFile(jar)) {
      return List.of();
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    return List.of(java, "-jar", jar.toAbsolutePath().toString());
  }

  private static Set<Lane> listenQueues(Settings settings) {
    var names = settings.optional("STUDIO_LISTEN_QUEUES").map(v -> v.split(",")).orElse(new String[0]);
    var lanes = EnumSet.noneOf(Lane.class);
    for (String name : names) {
      if (name.isBlank()) {
        continue;
      }
      lanes.add(Lane.named(name.trim()).orElseThrow(() -> new InvalidSetting(
          "STUDIO_LISTEN_QUEUES has an unknown queue '" + name.trim() + "'; queues are " + Arrays.toString(Lane.values()))));
    }
    return lanes.isEmpty() ? EnumSet.allOf(Lane.class) : lanes;
  }

  private static String redisUrl(Settings settings) {
    String url = settings.required("REDIS_URL", "redis://host:6379 or rediss://...");
    if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
      throw new InvalidSetting("REDIS_URL must start with redis:// or rediss://");
    }
    return url;
  }

  private static List<String> natsServers(Settings settings) {
    String url = settings.required("NATS_URL", "nats://host:4222, or a comma list for a cluster");
    List<String> servers = Arrays.stream(url.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String server : servers) {
      if (!server.startsWith("nats://") && !server.startsWith("tls://")) {
        throw new InvalidSetting("NATS_URL must list nats:// (or tls://) URLs, separated by commas");
      }
    }
    return servers;
  }

  private static Optional<ObjectStore> objectStore(Settings settings) {
    var endpoint = settings.optional("S3_ENDPOINT");
    var bucket = settings.optional("S3_BUCKET");
    if (endpoint.isEmpty() && bucket.isEmpty()) {
      return Optional.empty();
    }
    String url = settings.required("S3_ENDPOINT", "the object store's URL (S3_BUCKET is set)");
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new InvalidSetting("S3_ENDPOINT must be an http:// or https:// URL, got '" + url + "'");
    }
    return Optional.of(new ObjectStore(
        url,
        settings.required("S3_BUCKET", "the bucket (S3_ENDPOINT is set)"),
        settings.optional("S3_REGION").orElse("us-east-1"),
        settings.required("S3_ACCESS_KEY_ID", "the object store's access key id"),
        settings.secret("S3_SECRET_ACCESS_KEY", "the object store's secret access key"),
        settings.bool("S3_FORCE_PATH_STYLE", true)));
  }

  private static String publicUrl(Settings settings) {
    String url = settings.optional("STUDIO_PUBLIC_URL").orElse("http://localhost:" + settings.integer("STUDIO_HTTP_PORT", 8080, 0, 65535));
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new InvalidSetting("STUDIO_PUBLIC_URL must be an http:// or https:// URL, got '" + url + "'");
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static Model model(Settings settings) {
    var apiKey = settings.optionalSecret("LLM_API_KEY");
    var provider = settings.optional("LLM_PROVIDER").isPresent()
        ? settings.choice("LLM_PROVIDER", Model.Provider.class, Model.Provider.dev)
        : apiKey.isPresent() ? null : Model.Provider.dev;
    if (provider == null) {
      throw new InvalidSetting("LLM_PROVIDER is required when LLM_API_KEY is set: anthropic or openai");
    }
    if (provider == Model.Provider.anthropic && apiKey.isEmpty()) {
      throw new InvalidSetting("LLM_API_KEY is required with LLM_PROVIDER=anthropic");
    }
    var baseUrl = settings.optional("LLM_BASE_URL");
    if (baseUrl.isPresent() && !baseUrl.get().startsWith("http://") && !baseUrl.get().startsWith("https://")) {
      throw new InvalidSetting("LLM_BASE_URL must be an http:// or https:// URL, got '" + baseUrl.get() + "'");
    }
    return new Model(provider, settings.optional("LLM_MODEL"), apiKey, baseUrl);
  }

  private static String hostname() {
    String host = System.getenv("HOSTNAME");
    return host != null ? host : "studio-" + ProcessHandle.current().pid();
  }
}
