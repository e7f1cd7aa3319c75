package dev.studio.operator.manifest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A short digest of the configuration a pod reads from a ConfigMap. Put on the pod template as an
 * annotation, it rolls exactly the pods whose configuration changed, and no others.
 */
public final class ConfigHash {
  public static final String ANNOTATION = "studio.dev/config-hash";

  private ConfigHash() {}

  public static String of(Map<String, String> data) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (var entry : new TreeMap<>(data).entrySet()) {
        digest.update(entry.getKey().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(entry.getValue().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
      return HexFormat.of().formatHex(digest.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
