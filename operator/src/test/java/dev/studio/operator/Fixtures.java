package dev.studio.operator;

import dev.studio.crd.SchemaValidator;
import dev.studio.crd.v1alpha1.SecretKeyRef;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.StudioDeploymentSpec;
import dev.studio.crd.v1alpha1.StudioRef;
import dev.studio.crd.v1alpha1.WorkerPool;
import dev.studio.crd.v1alpha1.WorkerPoolSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;

/** Resources the operator tests start from, each one valid against its CRD. */
public final class Fixtures {
  public static final String NAMESPACE = "team";
  public static final String DATABASE_SECRET = "studio-postgres";
  public static final String S3_SECRET = "studio-s3";
  public static final String LLM_SECRET = "studio-llm";
  /** A value that must never show up anywhere but its Secret. */
  public static final String DATABASE_URL = "postgres://studio:s3cr3t-db-pass@pg:5432/studio";

  private Fixtures() {}

  /** A StudioDeployment on Postgres, Redis, NATS and an object store, with an anthropic model. */
  public static StudioDeployment studio(String name) {
    String yaml = """
        apiVersion: studio.dev/v1alpha1
        kind: StudioDeployment
        metadata: {name: %s, namespace: %s}
        spec:
          publicUrl: https://%s.example.com
          web: {replicas: 2}
          api: {replicas: 2}
          worker: {replicas: 3, maxConcurrentRuns: 4}
          database: {urlSecretRef: {name: %s, key: uri}}
          redis: {url: "redis://redis:6379"}
          nats: {url: "nats://nats:4222"}
          objectStore: {endpoint: "http://minio:9000", bucket: studio, credentialsSecretRef: {name: %s}}
          model: {provider: anthropic, model: claude-sonnet-4-5, apiKeySecretRef: {name: %s, key: api-key}}
          sandbox: {previewDomain: example.com}
        """.formatted(name, NAMESPACE, name, DATABASE_SECRET, S3_SECRET, LLM_SECRET);
    return valid(yaml, StudioDeployment.class);
  }

  public static WorkerPool pool(String name, String studio, List<String> queues) {
    var pool = new WorkerPool(NAMESPACE, name, new WorkerPoolSpec(new StudioRef(studio), queues, 2, null, 8, null));
    return valid(Serialization.asYaml(pool), WorkerPool.class);
  }

  /** The Secrets {@link #studio} refers to. */
  public static List<Secret> datastoreSecrets() {
    return List.of(
        secret(DATABASE_SECRET, Map.of("uri", DATABASE_URL)),
        secret(S3_SECRET, Map.of("access-key-id", "studio", "secret-access-key", "s3cr3t-s3-key")),
        secret(LLM_SECRET, Map.of("api-key", "sk-ant-s3cr3t")));
  }

  public static Secret secret(String name, Map<String, String> values) {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
        .withStringData(values).build();
  }

  public static StudioDeploymentSpec withSecrets(StudioDeploymentSpec spec, SecretKeyRef encryptionKey) {
    var secrets = new StudioDeploymentSpec.PlatformSecrets(encryptionKey, null, null);
    return new StudioDeploymentSpec(spec.image(), spec.version(), spec.imagePullPolicy(), spec.imagePullSecrets(),
        spec.publicUrl(), spec.web(), spec.api(), spec.worker(), spec.database(), spec.redis(), spec.nats(),
        spec.objectStore(), spec.model(), secrets, spec.gateway(), spec.sandbox(), spec.shutdownGraceSeconds());
  }

  /** Parses a resource and fails the test if the API server would refuse it. */
  public static <T> T valid(String yaml, Class<T> type) {
    T resource = Serialization.unmarshal(yaml, type);
    var errors = SchemaValidator.forKind(type.getSimpleName()).validate(resource);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("fixture is invalid: " + errors);
    }
    return resource;
  }
}
