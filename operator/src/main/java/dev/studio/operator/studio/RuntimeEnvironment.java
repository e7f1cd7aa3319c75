package dev.studio.operator.studio;

import dev.studio.crd.v1alpha1.SecretKeyRef;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.StudioDeploymentSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The runtime's environment contract (DESIGN §3) as a StudioDeployment fills it. Plain settings
 * go to the runtime ConfigMap, shared by api and worker pods; anything secret is an env entry
 * with a {@code secretKeyRef}, so no secret value is ever copied into a ConfigMap or a pod spec.
 */
public final class RuntimeEnvironment {
  public static final int HTTP_PORT = 8080;

  private RuntimeEnvironment() {}

  /** Settings api and worker pods share: the data of the runtime ConfigMap. */
  public static Map<String, String> sharedSettings(StudioDeployment studio) {
    StudioDeploymentSpec spec = studio.getSpec();
    var data = new TreeMap<String, String>();
    data.put("STUDIO_HTTP_PORT", Integer.toString(HTTP_PORT));
    data.put("STUDIO_PUBLIC_URL", publicUrl(studio));
    data.put("STUDIO_INSTANCE", instance(studio));
    data.put("STUDIO_DEPLOYMENT", studio.getMetadata().getName());
    data.put("SHUTDOWN_GRACE_SECONDS", Integer.toString(spec.shutdownGraceSeconds()));
    if (spec.redis().url() != null) {
      data.put("REDIS_URL", spec.redis().url());
    }
    if (spec.nats().url() != null) {
      data.put("NATS_URL", spec.nats().url());
    }
    if (spec.objectStore() != null) {
      data.put("S3_ENDPOINT", spec.objectStore().endpoint());
      data.put("S3_BUCKET", spec.objectStore().bucket());
      data.put("S3_REGION", spec.objectStore().region());
      data.put("S3_FORCE_PATH_STYLE", spec.objectStore().forcePathStyle().toString());
    }
    var model = spec.model();
    data.put("LLM_PROVIDER", model.provider().name());
    if (model.model() != null) {
      data.put("LLM_MODEL", model.model());
    }
    if (model.baseUrl() != null) {
      data.put("LLM_BASE_URL", model.baseUrl());
    }
    data.put("SANDBOX_PROVIDER", "kubernetes");
    if (spec.sandbox().previewDomain() != null) {
      data.put("SANDBOX_PREVIEW_DOMAIN", spec.sandbox().previewDomain());
    }
    return data;
  }

  /**
   * Env entries of a runtime pod: its role, the downward API, and every secret by reference.
   * {@code roleSettings} are appended as plain values (e.g. a worker's queues).
   */
  public static List<EnvVar> podEnv(StudioDeployment studio, String role, Map<String, String> roleSettings) {
    StudioDeploymentSpec spec = studio.getSpec();
    List<EnvVar> env = new ArrayList<>();
    env.add(plain("STUDIO_ROLE", role));
    roleSettings.forEach((name, value) -> env.add(plain(name, value)));
    env.add(fieldRef("POD_NAME", "metadata.name"));
    env.add(fieldRef("POD_NAMESPACE", "metadata.namespace"));
    env.add(secret("DATABASE_URL", spec.database().urlSecretRef()));
    if (spec.redis().urlSecretRef() != null) {
      env.add(secret("REDIS_URL", spec.redis().urlSecretRef()));
    }
    if (spec.nats().urlSecretRef() != null) {
      env.add(secret("NATS_URL", spec.nats().urlSecretRef()));
    }
    if (spec.objectStore() != null) {
      var credentials = spec.objectStore().credentialsSecretRef();
      env.add(secret("S3_ACCESS_KEY_ID", new SecretKeyRef(credentials.name(), credentials.accessKeyIdKey())));
      env.add(secret("S3_SECRET_ACCESS_KEY", new SecretKeyRef(credentials.name(), credentials.secretAccessKeyKey())));
    }
    env.add(secret("STUDIO_ENCRYPTION_KEY", GeneratedSecrets.source(studio, GeneratedSecrets.ENCRYPTION_KEY)));
    env.add(secret("STUDIO_JWT_SECRET", GeneratedSecrets.source(studio, GeneratedSecrets.JWT_SECRET)));
    env.add(secret("STUDIO_ADMIN_TOKEN", GeneratedSecrets.source(studio, GeneratedSecrets.ADMIN_TOKEN)));
    if (spec.model().apiKeySecretRef() != null) {
      env.add(secret("LLM_API_KEY", spec.model().apiKeySecretRef()));
    }
    return env;
  }

  /** Where users reach the studio: the declared public URL, else the web Service in-cluster. */
  public static String publicUrl(StudioDeployment studio) {
    String declared = studio.getSpec().publicUrl();
    if (declared != null) {
      return declared.endsWith("/") ? declared.substring(0, declared.length() - 1) : declared;
    }
    return "http://" + StudioNames.web(studio) + "." + studio.getMetadata().getNamespace() + ".svc";
  }

  /**
   * Names this platform in shared datastores (Redis key prefix), so two StudioDeployments on one
   * Redis never take each other's runs.
   */
  public static String instance(StudioDeployment studio) {
    return studio.getMetadata().getNamespace() + "." + studio.getMetadata().getName();
  }

  private static EnvVar plain(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar fieldRef(String name, String path) {
    return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef().withFieldPath(path).endFieldRef().endValueFrom().build();
  }

  private static EnvVar secret(String name, SecretKeyRef ref) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(ref.name())
        .withKey(ref.key())
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }
}
