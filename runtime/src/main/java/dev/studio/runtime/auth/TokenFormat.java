package dev.studio.runtime.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * API tokens: {@code stk_} and 43 characters of base64url randomness (256 bits). Only their SHA-256
 * digest is stored: a copy of the database does not yield working tokens. The prefix lets secret
 * scanners recognise a leaked one.
 */
public final class TokenFormat {
  public static final String PREFIX = "stk_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenFormat() {}

  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Constant-time comparison, so response timing says nothing about how much of a token matched. */
  public static boolean sameSecret(String candidate, String secret) {
    return MessageDigest.isEqual(hash(candidate), hash(secret));
  }
}
