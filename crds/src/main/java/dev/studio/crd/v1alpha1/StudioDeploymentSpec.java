package dev.studio.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The desired studio platform. */
@JsonClassDescription("Desired state of the studio platform.")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(
    value = "!has(self.gateway) || has(self.publicUrl)",
    message = "publicUrl is required with gateway: the route's hostname is its host",
    fieldPath = ".publicUrl")
public record StudioDeploymentSpec(
    @Size(max = 512)
        @JsonPropertyDescription(
            "Runtime image for the api and worker tiers (repository:tag or @digest). Defaults to"
                + " the operator's runtime image at `version`.")
        String image,
    @Size(max = 128)
        @Pattern("^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
        @JsonPropertyDescription(
            "Platform version: the tag of the default runtime image. Defaults to the operator's"
                + " own version.")
        String version,
    @Default("IfNotPresent") @JsonPropertyDescription("Pull policy of every platform image.")
        ImagePullPolicy imagePullPolicy,
    @Size(max = 16)
        @JsonPropertyDescription("Names of Secrets used to pull the platform images.")
        List<@Pattern(Names.DNS_SUBDOMAIN) String> imagePullSecrets,
    @Size(max = 2048)
        @Pattern("^https?://[^\\s/?#]+(/[^\\s?#]*)?$")
        @JsonPropertyDescription(
            "Public URL users open, e.g. https://studio.example.com. Defaults to the web Service's"
                + " in-cluster URL.")
        String publicUrl,
    @Default("{}") @JsonPropertyDescription("The web tier: nginx serving the app and proxying the api.")
        Web web,
    @Default("{}") @JsonPropertyDescription("The api tier: HTTP routes, SSE streams, the MCP proxy.")
        Api api,
    @Default("{}") @JsonPropertyDescription("The worker tier: executes runs and background jobs.")
        Worker worker,
    @Required @JsonPropertyDescription("PostgreSQL, the system of record.") Database database,
    @Required @JsonPropertyDescription("Redis: run dispatch, locks, rate limits, job streams.")
        Redis redis,
    @Required @JsonPropertyDescription("NATS with JetStream: live output and broadcasts.") Nats nats,
    @JsonPropertyDescription("S3-compatible object store for files, org-fs and bundle artifacts.")
        ObjectStore objectStore,
    @Default("{}") @JsonPropertyDescription("The model provider agents call.") Model model,
    @JsonPropertyDescription(
            "Platform keys supplied by you. Any left out is generated once into the Secret"
                + " <name>-generated and kept across reconciles.")
        PlatformSecrets secrets,
    @JsonPropertyDescription(
            "Gateway API front door: an HTTPRoute for publicUrl's host to the web tier, created"
                + " where the Gateway API CRDs are installed.")
        Gateway gateway,
    @Default("{}") @JsonPropertyDescription("Sandboxes: the pod template, previews and the warm pool.")
        Sandbox sandbox,
    @Default("" + StudioDeploymentSpec.DEFAULT_SHUTDOWN_GRACE_SECONDS)
        @Min(0)
        @Max(3600)
        @JsonPropertyDescription(
            "Seconds api and worker pods get to finish work on shutdown"
                + " (terminationGracePeriodSeconds and SHUTDOWN_GRACE_SECONDS).")
        Integer shutdownGraceSeconds) {

  public static final int DEFAULT_SHUTDOWN_GRACE_SECONDS = 120;

  public StudioDeploymentSpec {
    imagePullPolicy = imagePullPolicy == null ? ImagePullPolicy.IfNotPresent : imagePullPolicy;
    imagePullSecrets = imagePullSecrets == null ? List.of() : List.copyOf(imagePullSecrets);
    web = web == null ? new Web(null, null, null) : web;
    api = api == null ? new Api(null, null) : api;
    worker = worker == null ? new Worker(null, null, null, null) : worker;
    model = model == null ? new Model(null, null, null, null) : model;
    sandbox = sandbox == null ? Sandbox.DEFAULT : sandbox;
    shutdownGraceSeconds =
        shutdownGraceSeconds == null ? DEFAULT_SHUTDOWN_GRACE_SECONDS : shutdownGraceSeconds;
  }

  /** nginx serving the single-page app and reverse-proxying the api. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Web(
      @Default("2") @Min(0) @Max(1000) @JsonPropertyDescription("Number of web pods.")
          Integer replicas,
      @Default(Web.DEFAULT_IMAGE)
          @Size(max = 512)
          @JsonPropertyDescription("nginx image; it must run as non-root and listen on 8080.")
          String image,
      @Default(Web.DEFAULT_RESOURCES)
          @JsonPropertyDescription("Compute resources of each web pod.")
          Resources resources) {
    public static final String DEFAULT_IMAGE = "nginxinc/nginx-unprivileged:1.27-alpine";
    public static final String DEFAULT_RESOURCES =
        "{\"requests\":{\"cpu\":\"50m\",\"memory\":\"64Mi\"},\"limits\":{\"memory\":\"128Mi\"}}";

    public Web {
      replicas = replicas == null ? 2 : replicas;
      image = image == null ? DEFAULT_IMAGE : image;
      resources = resources == null ? Resources.of("50m", "64Mi", "128Mi") : resources;
    }
  }

  /** The api tier. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Api(
      @Default("2") @Min(0) @Max(1000) @JsonPropertyDescription("Number of api pods.")
          Integer replicas,
      @Default(Api.DEFAULT_RESOURCES)
          @JsonPropertyDescription("Compute resources of each api pod.")
          Resources resources) {
    public static final String DEFAULT_RESOURCES =
        "{\"requests\":{\"cpu\":\"250m\",\"memory\":\"512Mi\"},\"limits\":{\"memory\":\"1Gi\"}}";

    public Api {
      replicas = replicas == null ? 2 : replicas;
      resources = resources == null ? Resources.of("250m", "512Mi", "1Gi") : resources;
    }
  }

  /** The worker tier of the deployment itself; WorkerPools add more. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Worker(
      @Default("2") @Min(0) @Max(1000) @JsonPropertyDescription("Number of worker pods.")
          Integer replicas,
      @Default(Worker.DEFAULT_RESOURCES)
          @JsonPropertyDescription("Compute resources of each worker pod.")
          Resources resources,
      @Size(max = 32)
          @JsonPropertyDescription(
              "Queues these workers take runs from (STUDIO_LISTEN_QUEUES); empty means all.")
          List<@Pattern(Names.DNS_LABEL) String> listenQueues,
      @Default("" + Worker.DEFAULT_MAX_CONCURRENT_RUNS)
          @Min(1)
          @Max(1000)
          @JsonPropertyDescription("Runs one worker pod executes at once.")
          Integer maxConcurrentRuns) {
    public static final int DEFAULT_MAX_CONCURRENT_RUNS = 5;
    public static final String DEFAULT_RESOURCES =
        "{\"requests\":{\"cpu\":\"1\",\"memory\":\"1Gi\"},\"limits\":{\"memory\":\"2Gi\"}}";

    public Worker {
      replicas = replicas == null ? 2 : replicas;
      resources = resources == null ? Resources.of("1", "1Gi", "2Gi") : resources;
      listenQueues = listenQueues == null ? List.of() : List.copyOf(listenQueues);
      maxConcurrentRuns = maxConcurrentRuns == null ? DEFAULT_MAX_CONCURRENT_RUNS : maxConcurrentRuns;
    }
  }

  /** PostgreSQL. */
  public record Database(
      @Required
          @JsonPropertyDescription(
              "Secret key holding the connection URL, postgres://user:password@host:5432/db"
                  + "?sslmode=require (the form CloudNativePG writes) or jdbc:postgresql://...")
          SecretKeyRef urlSecretRef) {}

  /** Redis. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @ValidationRule(
      value = "has(self.url) != has(self.urlSecretRef)",
      message = "set exactly one of url and urlSecretRef")
  public record Redis(
      @Size(max = 2048)
          @Pattern("^rediss?://.+$")
          @JsonPropertyDescription(
              "redis:// or rediss:// URL without a password; use urlSecretRef for one with it.")
          String url,
      @JsonPropertyDescription("Secret key holding the redis:// or rediss:// URL.")
          SecretKeyRef urlSecretRef) {}

  /** NATS. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @ValidationRule(
      value = "has(self.url) != has(self.urlSecretRef)",
      message = "set exactly one of url and urlSecretRef")
  public record Nats(
      @Size(max = 2048)
          @Pattern("^nats://[^,\\s]+(,nats://[^,\\s]+)*$")
          @JsonPropertyDescription("nats:// URL, or a comma list of them for a cluster.")
          String url,
      @JsonPropertyDescription("Secret key holding the nats:// URL (with credentials).")
          SecretKeyRef urlSecretRef) {}

  /** An S3-compatible object store. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record ObjectStore(
      @Required
          @Size(max = 2048)
          @Pattern("^https?://[^\\s]+$")
          @JsonPropertyDescription("Endpoint URL, e.g. https://s3.eu-west-1.amazonaws.com.")
          String endpoint,
      @Required
          @Size(min = 3, max = 63)
          @Pattern("^[a-z0-9][a-z0-9.-]*[a-z0-9]$")
          @JsonPropertyDescription("Bucket name.")
          String bucket,
      @Default("us-east-1") @Size(max = 64) @JsonPropertyDescription("Region of the bucket.")
          String region,
      @Default("true")
          @JsonPropertyDescription(
              "Address the bucket in the path (MinIO, Ceph) rather than the host name.")
          Boolean forcePathStyle,
      @Required
          @JsonPropertyDescription("Secret holding the access key id and secret access key.")
          ObjectStoreCredentials credentialsSecretRef) {
    public ObjectStore {
      region = region == null ? "us-east-1" : region;
      forcePathStyle = forcePathStyle == null ? Boolean.TRUE : forcePathStyle;
    }
  }

  /** Where the object store's keys are. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record ObjectStoreCredentials(
      @Required
          @Size(max = 253)
          @Pattern(Names.DNS_SUBDOMAIN)
          @JsonPropertyDescription("Name of the Secret.")
          String name,
      @Default("access-key-id")
          @Pattern(Names.DATA_KEY)
          @JsonPropertyDescription("Key of the access key id.")
          String accessKeyIdKey,
      @Default("secret-access-key")
          @Pattern(Names.DATA_KEY)
          @JsonPropertyDescription("Key of the secret access key.")
          String secretAccessKeyKey) {
    public ObjectStoreCredentials {
      accessKeyIdKey = accessKeyIdKey == null ? "access-key-id" : accessKeyIdKey;
      secretAccessKeyKey = secretAccessKeyKey == null ? "secret-access-key" : secretAccessKeyKey;
    }
  }

  /** The model provider. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @ValidationRule(
      value = "self.provider != 'anthropic' || has(self.apiKeySecretRef)",
      message = "provider anthropic needs apiKeySecretRef",
      fieldPath = ".apiKeySecretRef")
  public record Model(
      @Default("dev")
          @JsonPropertyDescription(
              "anthropic (Messages API), openai (chat completions; also Ollama, vLLM and other"
                  + " compatible servers) or dev (an offline deterministic model for trials).")
          ModelProvider provider,
      @Size(max = 256)
          @JsonPropertyDescription("Model name, e.g. claude-sonnet-4-5; the provider's default if unset.")
          String model,
      @JsonPropertyDescription("Secret key holding the provider's API key.") SecretKeyRef apiKeySecretRef,
      @Size(max = 2048)
          @Pattern("^https?://[^\\s]+$")
          @JsonPropertyDescription("Base URL of the provider's API, for proxies and compatible servers.")
          String baseUrl) {
    public Model {
      provider = provider == null ? ModelProvider.dev : provider;
    }
  }

  /** Model providers. */
  public enum ModelProvider {
    anthropic,
    openai,
    dev
  }

  /** Platform keys the user brings instead of letting the operator generate them. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record PlatformSecrets(
      @JsonPropertyDescription(
              "Key encrypting the credential vault (32 bytes, base64). Keep it: losing it makes"
                  + " stored credentials unreadable.")
          SecretKeyRef encryptionKeyRef,
      @JsonPropertyDescription("Secret signing session tokens.") SecretKeyRef jwtSecretRef,
      @JsonPropertyDescription("Bootstrap admin token, an admin of every org.")
          SecretKeyRef adminTokenRef) {}

  /** The Gateway API front door. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Gateway(
      @Required @JsonPropertyDescription("The Gateway the front-door HTTPRoute attaches to.")
          ParentRef parentRef) {}

  /** A Gateway, as an HTTPRoute's parentRef. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record ParentRef(
      @Required
          @Size(min = 1, max = 253)
          @Pattern(Names.DNS_SUBDOMAIN)
          @JsonPropertyDescription("Name of the Gateway.")
          String name,
      @Size(max = 63)
          @Pattern(Names.DNS_LABEL)
          @JsonPropertyDescription("Namespace of the Gateway; the resource's own if unset.")
          String namespace,
      @Size(max = 253)
          @Pattern(Names.DNS_SUBDOMAIN)
          @JsonPropertyDescription("Listener of the Gateway to attach to.")
          String sectionName) {}
}
