package dev.studio.operator.bundle;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/** A ConfigMap as bundle files: each key of {@code data} (text) and {@code binaryData} (bytes) is a file. */
public final class ConfigMapFiles {
  private ConfigMapFiles() {}

  public static Map<String, byte[]> of(ConfigMap configMap) {
    Map<String, byte[]> files = new TreeMap<>();
    if (configMap.getData() != null) {
      configMap.getData().forEach((key, value) -> files.put(key, value.getBytes(StandardCharsets.UTF_8)));
    }
    if (configMap.getBinaryData() != null) {
      configMap.getBinaryData().forEach((key, value) -> files.put(key, Base64.getDecoder().decode(value)));
    }
    return files;
  }
}
