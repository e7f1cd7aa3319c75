package dev.studio.operator.studio;

import dev.studio.crd.v1alpha1.SecretKeyRef;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.StudioDeploymentSpec.PlatformSecrets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The platform keys the operator invents when the user does not supply them. They are generated
 * once into the Secret {@code <name>-generated}; a value already there is never replaced.
 */
public final class GeneratedSecrets {
  public static final String ENCRYPTION_KEY = "encryption-key";
  public static final String JWT_SECRET = "jwt-secret";
  public static final String ADMIN_TOKEN = "admin-token";
  public static final List<String> KEYS = List.of(ENCRYPTION_KEY, JWT_SECRET, ADMIN_TOKEN);

  private static final SecureRandom RANDOM = new SecureRandom();

  private GeneratedSecrets() {}

  /**
   * The data the Secret should hold: what it holds already, plus a fresh value for each key it
   * lacks. Base64-encoded, as Secret {@code data} is.
   */
  public static Map<String, String> complete(Map<String, String> existing) {
    var data = new LinkedHashMap<String, String>();
    for (String key : KEYS) {
      String value = existing == null ? null : existing.get(key);
      data.put(key, value != null ? value : encode(fresh(key)));
    }
    return data;
  }

  /** Where the runtime reads a key from: the user's reference, else the generated Secret. */
  public static SecretKeyRef source(StudioDeployment studio, String key) {
    PlatformSecrets supplied = studio.getSpec().secrets();
    Function<PlatformSecrets, SecretKeyRef> pick =
        switch (key) {
          case ENCRYPTION_KEY -> PlatformSecrets::encryptionKeyRef;
          case JWT_SECRET -> PlatformSecrets::jwtSecretRef;
          case ADMIN_TOKEN -> PlatformSecrets::adminTokenRef;
          default -> throw new IllegalArgumentException("not a platform key: " + key);
        };
    SecretKeyRef ref = supplied == null ? null : pick.apply(supplied);
    return ref != null ? ref : new SecretKeyRef(StudioNames.generatedSecret(studio), key);
  }

  private static String fresh(String key) {
    return switch (key) {
      // AES-256 key for the credential vault.
      case ENCRYPTION_KEY -> Base64.getEncoder().encodeToString(bytes(32));
      case JWT_SECRET -> Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(48));
      // Prefixed so a leaked token is recognisable (secret scanners key on such prefixes).
      case ADMIN_TOKEN -> "sta_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
      default -> throw new IllegalArgumentException(key);
    };
  }

  private static byte[] bytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
