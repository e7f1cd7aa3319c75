package dev.studio.runtime.mcp;

import java.time.Instant;
import java.util.Map;

/**
 * How the platform authenticates to a downstream: nothing, a bearer token, a value in a header of
 * the connection's choosing (an API key), or OAuth: an access token sent as a bearer token, and
 * what it takes to get a new one when it expires (refresh token, token endpoint, client), and
 * where a user authorizes the platform in the first place ({@code authorizeUrl}, {@code scopes},
 * for the authorization-code flow of {@code /oauth-proxy}). Every
 * field but {@code type} and {@code header} is a secret or travels with one, so all of it is
 * sealed together. {@link #toString} never shows a secret.
 */
public record Credentials(Type type, String token, String header, String value, String refreshToken, Instant expiresAt,
    String tokenUrl, String clientId, String clientSecret, String authorizeUrl, String scopes) {
  public static final Credentials NONE = new Credentials(Type.none, null, null, null, null, null, null, null, null, null, null);

  public enum Type { none, bearer, header, oauth }

  static Credentials bearer(String token) {
    return new Credentials(Type.bearer, token, null, null, null, null, null, null, null, null, null);
  }

  static Credentials header(String header, String value) {
    return new Credentials(Type.header, null, header, value, null, null, null, null, null, null, null);
  }

  /** The same OAuth client with new tokens; a token endpoint that sends no refresh token keeps the old one. */
  Credentials refreshed(String accessToken, String newRefreshToken, Instant newExpiresAt) {
    return new Credentials(type, accessToken, header, value, newRefreshToken == null ? refreshToken : newRefreshToken, newExpiresAt,
        tokenUrl, clientId, clientSecret, authorizeUrl, scopes);
  }

  /** The headers every request to the downstream carries. */
  Map<String, String> headers() {
    return switch (type) {
      case none -> Map.of();
      case bearer, oauth -> Map.of("Authorization", "Bearer " + token);
      case header -> Map.of(header, value);
    };
  }

  @Override
  public String toString() {
    return "Credentials[" + type + (header == null ? "" : ", header=" + header) + (expiresAt == null ? "" : ", expiresAt=" + expiresAt)
        + "]";
  }
}
