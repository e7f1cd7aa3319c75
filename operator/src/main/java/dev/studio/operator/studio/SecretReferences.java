package dev.studio.operator.studio;

import dev.studio.crd.v1alpha1.SecretKeyRef;
import dev.studio.crd.v1alpha1.StudioDeployment;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Secrets a StudioDeployment refers to, and which of them (or which of their keys) are
 * missing. Only key names are read; values never leave the API server's answer.
 */
public final class SecretReferences {
  private SecretReferences() {}

  /** Each reference of the spec, by the path of the field that makes it. */
  public static Map<String, SecretKeyRef> of(StudioDeployment studio) {
    var spec = studio.getSpec();
    var refs = new LinkedHashMap<String, SecretKeyRef>();
    refs.put("spec.database.urlSecretRef", spec.database().urlSecretRef());
    put(refs, "spec.redis.urlSecretRef", spec.redis().urlSecretRef());
    put(refs, "spec.nats.urlSecretRef", spec.nats().urlSecretRef());
    if (spec.objectStore() != null) {
      var credentials = spec.objectStore().credentialsSecretRef();
      refs.put("spec.objectStore.credentialsSecretRef.accessKeyIdKey", new SecretKeyRef(credentials.name(), credentials.accessKeyIdKey()));
      refs.put("spec.objectStore.credentialsSecretRef.secretAccessKeyKey", new SecretKeyRef(credentials.name(), credentials.secretAccessKeyKey()));
    }
    put(refs, "spec.model.apiKeySecretRef", spec.model().apiKeySecretRef());
    if (spec.secrets() != null) {
      put(refs, "spec.secrets.encryptionKeyRef", spec.secrets().encryptionKeyRef());
      put(refs, "spec.secrets.jwtSecretRef", spec.secrets().jwtSecretRef());
      put(refs, "spec.secrets.adminTokenRef", spec.secrets().adminTokenRef());
    }
    return refs;
  }

  /** One line per broken reference, naming the field, the Secret and the key. */
  public static List<String> missing(StudioDeployment studio, KubernetesClient client) {
    String namespace = studio.getMetadata().getNamespace();
    Map<String, Optional<Secret>> secrets = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (var ref : of(studio).entrySet()) {
      String name = ref.getValue().name();
      var secret =
          secrets.computeIfAbsent(name, n -> Optional.ofNullable(client.secrets().inNamespace(namespace).withName(n).get()));
      if (secret.isEmpty()) {
        problems.add("Secret " + name + " (" + ref.getKey() + ") does not exist");
      } else if (!hasKey(secret.get(), ref.getValue().key())) {
        problems.add("Secret " + name + " has no key " + ref.getValue().key() + " (" + ref.getKey() + ")");
      }
    }
    return problems;
  }

  private static boolean hasKey(Secret secret, String key) {
    return (secret.getData() != null && secret.getData().containsKey(key))
        || (secret.getStringData() != null && secret.getStringData().containsKey(key));
  }

  private static void put(Map<String, SecretKeyRef> refs, String field, SecretKeyRef ref) {
    if (ref != null) {
      refs.put(field, ref);
    }
  }
}
