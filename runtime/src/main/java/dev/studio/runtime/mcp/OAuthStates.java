package dev.studio.runtime.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.runtime.datastore.Redis;
import dev.studio.runtime.vault.Vault;
import io.lettuce.core.SetArgs;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code state} of an authorization the platform starts for a connection: sealed by the vault,
 * so it carries the PKCE verifier to the callback without the browser, the authorization server or
 * a log line being able to read it, and without a table to keep it in; any process of the platform
 * opens it. A state is good for {@link #TTL} and once: the first callback that uses it marks its
 * nonce in Redis, so a replayed callback is refused.
 */
final class OAuthStates {
  static final Duration TTL = Duration.ofMinutes(10);
  private static final String BOUND_TO = "mcp-oauth-state";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What the callback needs: which connection of which org, the PKCE verifier, a nonce, when it lapses (epoch ms). */
  record State(UUID connection, UUID org, String verifier, String nonce, long expiresAt) {
    /** The S256 challenge of the verifier (RFC 7636 §4.2). */
    String challenge() {
      try {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing", e);
      }
    }
  }

  private final Vault vault;
  private final Redis redis;
  private final Clock clock;

  OAuthStates(Vault vault, Redis redis, Clock clock) {
    this.vault = vault;
    this.redis = redis;
    this.clock = clock;
  }

  State start(UUID connection, UUID org) {
    return new State(connection, org, random(32), random(16), clock.millis() + TTL.toMillis());
  }

  String seal(State state) {
    try {
      return vault.seal(JSON.writeValueAsString(state), BOUND_TO);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an OAuth state does not serialize", e);
    }
  }

  /**
   * The state, if it opens, has not lapsed and was not used before; using it here spends it.
   * Empty says only "refused": why is no business of whoever sent it.
   */
  Optional<State> use(String sealed) {
    State state;
    try {
      state = JSON.readValue(vault.open(sealed, BOUND_TO), State.class);
    } catch (Vault.SealedValueException | JsonProcessingException | IllegalArgumentException e) {
      return Optional.empty();
    }
    long left = state.expiresAt() - clock.millis();
    if (left <= 0) {
      return Optional.empty();
    }
    String first = redis.connection().sync().set(redis.key("mcp-oauth-state:" + state.nonce()), "1",
        SetArgs.Builder.nx().px(left + 1_000));
    return "OK".equals(first) ? Optional.of(state) : Optional.empty();
  }

  private static String random(int bytes) {
    byte[] value = new byte[bytes];
    RANDOM.nextBytes(value);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
  }
}
