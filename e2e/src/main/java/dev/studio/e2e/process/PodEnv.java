package dev.studio.e2e.process;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** A container's environment as the kubelet would give it: plain values, Secret and ConfigMap keys, the pod's fields. */
final class PodEnv {
  private PodEnv() {}

  static Map<String, String> of(Container container, String podName, String namespace, Function<String, Secret> secrets,
      Function<String, ConfigMap> configMaps) {
    Map<String, String> env = new LinkedHashMap<>();
    for (var from : container.getEnvFrom() == null ? java.util.List.<io.fabric8.kubernetes.api.model.EnvFromSource>of() : container.getEnvFrom()) {
      if (from.getSecretRef() != null) {
        secretData(secrets.apply(from.getSecretRef().getName())).forEach(env::put);
      }
      if (from.getConfigMapRef() != null) {
        var map = configMaps.apply(from.getConfigMapRef().getName());
        if (map != null && map.getData() != null) {
          env.putAll(map.getData());
        }
      }
    }
    for (EnvVar var : container.getEnv() == null ? java.util.List.<EnvVar>of() : container.getEnv()) {
      String value = var.getValue();
      var from = var.getValueFrom();
      if (from != null && from.getSecretKeyRef() != null) {
        value = secretData(secrets.apply(from.getSecretKeyRef().getName())).get(from.getSecretKeyRef().getKey());
      } else if (from != null && from.getConfigMapKeyRef() != null) {
        var map = configMaps.apply(from.getConfigMapKeyRef().getName());
        value = map == null || map.getData() == null ? null : map.getData().get(from.getConfigMapKeyRef().getKey());
      } else if (from != null && from.getFieldRef() != null) {
        value = switch (from.getFieldRef().getFieldPath()) {
          case "metadata.name" -> podName;
          case "metadata.namespace" -> namespace;
          default -> "";
        };
      }
      if (value != null) {
        env.put(var.getName(), value);
      }
    }
    return env;
  }

  private static Map<String, String> secretData(Secret secret) {
    Map<String, String> data = new LinkedHashMap<>();
    if (secret == null) {
      return data;
    }
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      data.putAll(secret.getStringData());
    }
    return data;
  }
}
