package dev.studio.runtime.vault;

import dev.studio.runtime.InvalidSetting;
import dev.studio.runtime.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens small secrets with AES-256-GCM.
 *
 * <p>A sealed value is {@code v1:{keyId}:{base64(nonce|ciphertext|tag)}}. The key id (the first 8
 * hex digits of the key's SHA-256) lets {@link #open} find the right key after a rotation, so
 * values sealed under an older key keep opening while {@link #needsReseal} tells the caller to
 * seal them again under the current one. Associated data (say {@code bundle:{name}:{key}}) is
 * authenticated but not stored: a value copied into another row, whose associated data differs,
 * does not open.
 *
 * <p>Thread-safe: a {@link Cipher} is made per call.
 */
public final class Vault {
  private static final String VERSION = "v1";
  private static final int KEY_BYTES = 32;
  // 96 bits is GCM's native nonce size; random nonces stay safe far beyond the number of values
  // one key will ever seal here.
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final String CURRENT_SETTING = "STUDIO_ENCRYPTION_KEY";
  private static final String PREVIOUS_SETTING = "STUDIO_ENCRYPTION_KEY_PREVIOUS";

  private final Key current;
  private final Map<String, Key> keys;
  private final SecureRandom random = new SecureRandom();

  /** A sealed value that does not open; its message never holds the plaintext or a key. */
  public static final class SealedValueException extends RuntimeException {
    SealedValueException(String message) {
      super(message);
    }
  }

  private record Key(String id, SecretKeySpec spec) {}

  /** A vault with one key, as when no rotation is under way. */
  public Vault(Secret key) {
    this(key, List.of());
  }

  /**
   * @param current the key {@link #seal} uses (STUDIO_ENCRYPTION_KEY: 32 bytes in base64)
   * @param previous older keys {@link #open} still accepts during a rotation (same format)
   * @throws InvalidSetting if a key is not 32 bytes in base64, naming its setting
   */
  public Vault(Secret current, List<Secret> previous) {
    this.current = key(current, CURRENT_SETTING);
    var keys = new LinkedHashMap<String, Key>();
    keys.put(this.current.id(), this.current);
    for (int i = 0; i < previous.size(); i++) {
      Key key = key(previous.get(i), previous.size() == 1 ? PREVIOUS_SETTING : PREVIOUS_SETTING + " (key " + (i + 1) + ")");
      keys.putIfAbsent(key.id(), key);
    }
    this.keys = Map.copyOf(keys);
  }

  /** The current key's id, as sealed values name it. */
  public String keyId() {
    return current.id();
  }

  /** Seals {@code plaintext} under the current key with no associated data. */
  public String seal(String plaintext) {
    return seal(plaintext, "");
  }

  /** Seals {@code plaintext} under the current key, bound to {@code associatedData}. */
  public String seal(String plaintext, String associatedData) {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(associatedData, "associatedData");
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] sealed;
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, current, nonce, associatedData);
      sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      // AES-GCM is in every JDK; failing here means a broken runtime, not a bad input.
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
    byte[] payload = new byte[NONCE_BYTES + sealed.length];
    System.arraycopy(nonce, 0, payload, 0, NONCE_BYTES);
    System.arraycopy(sealed, 0, payload, NONCE_BYTES, sealed.length);
    return VERSION + ":" + current.id() + ":" + Base64.getEncoder().encodeToString(payload);
  }

  /** Opens a value sealed with no associated data. */
  public String open(String sealed) {
    return open(sealed, "");
  }

  /**
   * Opens a value sealed under the current or a previous key.
   *
   * @throws SealedValueException if the value is malformed, names an unknown key, was altered, or
   *     was sealed with other associated data
   */
  public String open(String sealed, String associatedData) {
    Objects.requireNonNull(associatedData, "associatedData");
    Parts parts = parse(sealed);
    Key key = keys.get(parts.keyId());
    if (key == null) {
      throw new SealedValueException("value was sealed under unknown key id " + parts.keyId()
          + ": neither the current key nor a previous one");
    }
    if (parts.payload().length < NONCE_BYTES + TAG_BITS / 8) {
      throw new SealedValueException("sealed value is too short to hold a nonce and a tag");
    }
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, Arrays.copyOf(parts.payload(), NONCE_BYTES), associatedData);
      byte[] plain = cipher.doFinal(parts.payload(), NONCE_BYTES, parts.payload().length - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      // GCM cannot tell an altered value from the wrong associated data: both fail the tag.
      throw new SealedValueException("sealed value under key id " + parts.keyId()
          + " does not authenticate: it was altered, or sealed for other associated data");
    }
  }

  /** Whether {@code sealed} was sealed under a key other than the current one. */
  public boolean needsReseal(String sealed) {
    return !parse(sealed).keyId().equals(current.id());
  }

  /** Key ids only: the key material never prints. */
  @Override
  public String toString() {
    return "Vault[current=" + current.id() + ", keys=" + keys.keySet().stream().sorted().toList() + "]";
  }

  private record Parts(String keyId, byte[] payload) {}

  private static Parts parse(String sealed) {
    Objects.requireNonNull(sealed, "sealed");
    String[] parts = sealed.split(":", -1);
    if (parts.length != 3 || !parts[0].equals(VERSION)) {
      throw new SealedValueException("not a sealed value: expected " + VERSION + ":{keyId}:{base64}");
    }
    try {
      return new Parts(parts[1], Base64.getDecoder().decode(parts[2]));
    } catch (IllegalArgumentException e) {
      throw new SealedValueException("sealed value under key id " + parts[1] + " is not valid base64");
    }
  }

  private static Cipher cipher(int mode, Key key, byte[] nonce, String associatedData) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key.spec(), new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
    return cipher;
  }

  private static Key key(Secret secret, String setting) {
    Objects.requireNonNull(secret, setting);
    byte[] bytes;
    try {
      // Stripped: a key mounted from a file often ends in a newline.
      bytes = Base64.getDecoder().decode(secret.reveal().strip());
    } catch (IllegalArgumentException e) {
      throw new InvalidSetting(setting + " must be 32 bytes in base64 (openssl rand -base64 32); it is not base64");
    }
    if (bytes.length != KEY_BYTES) {
      throw new InvalidSetting(setting + " must be 32 bytes in base64 (openssl rand -base64 32); it decodes to " + bytes.length + " bytes");
    }
    return new Key(fingerprint(bytes), new SecretKeySpec(bytes, "AES"));
  }

  /** Short and stable, so a sealed value names its key; a hash prefix reveals nothing of a random key. */
  private static String fingerprint(byte[] key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }
}
