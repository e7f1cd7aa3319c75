package dev.studio.daemon.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks the control API's bearer token. Only a SHA-256 digest of the token is kept, and digests are compared
 * with {@link MessageDigest#isEqual}, so the comparison takes the same time whatever the guess and leaks not even
 * the token's length. Rotation takes effect for the next request.
 */
public final class BearerAuth {
  private static final String PREFIX = "Bearer ";

  private volatile byte[] expected;

  public BearerAuth(String token) {
    this.expected = digest(token);
  }

  public boolean accepts(String authorizationHeader) {
    if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return false;
    }
    String presented = authorizationHeader.substring(PREFIX.length()).trim();
    return MessageDigest.isEqual(expected, digest(presented));
  }

  /** From now on only {@code token} is accepted. */
  public void rotate(String token) {
    expected = digest(token);
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
