package dev.studio.runtime.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Gets OAuth tokens from the connection's token endpoint: a new access token with the refresh
 * token (RFC 6749 §6), or the first ones for an authorization code ({@link OAuthProxyRoutes}). A token is refreshed a little before it expires, so a call does not set out with a
 * token that lapses on the way.
 */
final class OAuthRefresh {
  static final Duration EARLY = Duration.ofSeconds(60);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final Clock clock;

  OAuthRefresh(Clock clock) {
    this.clock = clock;
  }

  /** Whether OAuth credentials need a new access token before use: none yet, or one about to expire. */
  boolean due(Credentials credentials) {
    return credentials.type() == Credentials.Type.oauth && (credentials.token() == null || due(credentials.expiresAt()));
  }

  boolean due(Instant expiresAt) {
    return expiresAt != null && !clock.instant().plus(EARLY).isBefore(expiresAt);
  }

  /** @throws DownstreamException naming the connection and the endpoint's status, never a token */
  Credentials refresh(Connection connection, Credentials credentials) {
    if (credentials.token() == null && credentials.refreshToken() == null && credentials.authorizeUrl() != null) {
      throw new DownstreamException(DownstreamException.UNAVAILABLE, "downstream " + connection.name()
          + " is not connected yet: authorize it at /oauth-proxy/" + connection.id() + "/authorize");
    }
    if (credentials.refreshToken() == null || credentials.tokenUrl() == null) {
      throw new DownstreamException(DownstreamException.UNAVAILABLE,
          "the OAuth token of downstream " + connection.name() + " expired and there is no refresh token to renew it");
    }
    var form = new LinkedHashMap<String, String>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", credentials.refreshToken());
    return tokens(connection, credentials, form, "refresh the OAuth token");
  }

  /**
   * Exchanges an authorization code for tokens (RFC 6749 §4.1.3) with the PKCE verifier (RFC 7636).
   *
   * @throws DownstreamException naming the connection and the endpoint's status, never a token
   */
  Credentials authorizationCode(Connection connection, Credentials credentials, String code, String redirectUri, String verifier) {
    var form = new LinkedHashMap<String, String>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", redirectUri);
    form.put("code_verifier", verifier);
    return tokens(connection, credentials, form, "get an OAuth token");
  }

  private Credentials tokens(Connection connection, Credentials credentials, Map<String, String> form, String what) {
    if (credentials.clientId() != null) {
      form.put("client_id", credentials.clientId());
    }
    if (credentials.clientSecret() != null) {
      form.put("client_secret", credentials.clientSecret());
    }
    var request = HttpRequest.newBuilder(URI.create(credentials.tokenUrl())).timeout(TIMEOUT)
        .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(encode(form))).build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new DownstreamException(DownstreamException.UNAVAILABLE,
          "could not " + what + " of downstream " + connection.name() + ": the token endpoint is unreachable");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DownstreamException(DownstreamException.UNAVAILABLE, "interrupted while asking for the OAuth token of " + connection.name());
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      body = JSON.createObjectNode();
    }
    if (response.statusCode() != 200 || !body.path("access_token").isTextual()) {
      // The endpoint's error code (e.g. invalid_grant) says what to do; its body may hold tokens, so only that.
      throw new DownstreamException(DownstreamException.UNAVAILABLE, "could not " + what + " of downstream "
          + connection.name() + ": the token endpoint answered " + response.statusCode()
          + (body.path("error").isTextual() ? " " + body.get("error").asText() : ""));
    }
    Instant expiresAt = body.path("expires_in").canConvertToLong() ? clock.instant().plusSeconds(body.get("expires_in").asLong()) : null;
    return credentials.refreshed(body.get("access_token").asText(),
        body.path("refresh_token").isTextual() ? body.get("refresh_token").asText() : null, expiresAt);
  }

  private static String encode(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
