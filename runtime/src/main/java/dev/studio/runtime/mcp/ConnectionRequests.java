package dev.studio.runtime.mcp;

import dev.studio.runtime.http.ApiException;
import dev.studio.runtime.http.Bodies;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The bodies of the connection routes and their validation, each error naming its field. */
final class ConnectionRequests {
  // Tool names become "<connection>__<tool>": a name with "__" would make them ambiguous.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]|_(?!_)){0,62}");
  // An HTTP header name (RFC 9110 token).
  private static final Pattern HEADER = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");
  private static final int MAX_SECRET = 8192;

  record Auth(String type, String token, String header, String value, String refreshToken, String expiresAt, String tokenUrl,
      String clientId, String clientSecret, String authorizeUrl, String scopes) {
    /** The fields given beside the type, by name, to refuse those the type does not take. */
    Map<String, Object> given() {
      var given = new LinkedHashMap<String, Object>();
      given.put("token", token);
      given.put("header", header);
      given.put("value", value);
      given.put("refreshToken", refreshToken);
      given.put("expiresAt", expiresAt);
      given.put("tokenUrl", tokenUrl);
      given.put("clientId", clientId);
      given.put("clientSecret", clientSecret);
      given.put("authorizeUrl", authorizeUrl);
      given.put("scopes", scopes);
      return given;
    }
  }

  record Create(String name, String url, Integer timeoutMs, Auth auth) {}

  /** PATCH: any field may be left out; {@code auth}, when given, replaces the credentials whole. */
  record Update(String name, String url, Integer timeoutMs, Auth auth) {}

  static final int DEFAULT_TIMEOUT_MS = 30_000;
  static final int MAX_TIMEOUT_MS = 300_000;

  private ConnectionRequests() {}

  static String name(String field, String value) {
    String name = Bodies.required(field, value, 63);
    if (!NAME.matcher(name).matches()) {
      throw ApiException.badRequest(field, field + " must be letters, digits, '-' and single '_' (no \"__\"), starting with a letter "
          + "or digit, at most 63 characters");
    }
    return name;
  }

  static int timeoutMs(String field, int value) {
    if (value < 100 || value > MAX_TIMEOUT_MS) {
      throw ApiException.badRequest(field, field + " must be between 100 and " + MAX_TIMEOUT_MS + " milliseconds");
    }
    return value;
  }

  static String url(String field, String value) {
    String url = Bodies.required(field, value, 2048);
    try {
      var uri = new URI(url);
      if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
        throw ApiException.badRequest(field, field + " must be an absolute http or https URL");
      }
      if (uri.getRawUserInfo() != null) {
        throw ApiException.badRequest(field, field + " must not hold credentials: put them in auth");
      }
    } catch (URISyntaxException e) {
      throw ApiException.badRequest(field, field + " is not a valid URL");
    }
    return url;
  }

  static Credentials credentials(Auth auth) {
    if (auth == null) {
      return Credentials.NONE;
    }
    String typeName = Bodies.required("auth.type", auth.type(), 20);
    Credentials.Type type;
    try {
      type = Credentials.Type.valueOf(typeName);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("auth.type", "auth.type must be one of none, bearer, header, oauth");
    }
    var allowed = switch (type) {
      case none -> Set.<String>of();
      case bearer -> Set.of("token");
      case header -> Set.of("header", "value");
      case oauth -> Set.of("token", "refreshToken", "expiresAt", "tokenUrl", "clientId", "clientSecret", "authorizeUrl", "scopes");
    };
    auth.given().forEach((field, value) -> {
      if (value != null && !allowed.contains(field)) {
        throw ApiException.badRequest("auth." + field, "auth." + field + " does not go with auth.type " + type);
      }
    });
    return switch (type) {
      case none -> Credentials.NONE;
      case bearer -> Credentials.bearer(secret("auth.token", auth.token()));
      case header -> {
        String header = Bodies.required("auth.header", auth.header(), 100);
        if (!HEADER.matcher(header).matches()) {
          throw ApiException.badRequest("auth.header", "auth.header is not a valid HTTP header name");
        }
        yield Credentials.header(header, secret("auth.value", auth.value()));
      }
      case oauth -> oauth(auth);
    };
  }

  /**
   * An access token, a refresh token and where to use it, or both; or, for a connection a user
   * will authorize through {@code /oauth-proxy}, the authorization server's endpoints and the
   * client: then no token is needed yet.
   */
  private static Credentials oauth(Auth auth) {
    String authorizeUrl = auth.authorizeUrl() == null ? null : url("auth.authorizeUrl", auth.authorizeUrl());
    if (auth.token() == null && auth.refreshToken() == null && authorizeUrl == null) {
      throw ApiException.badRequest("auth.token",
          "auth.token (the access token), auth.refreshToken, or auth.authorizeUrl (to connect through /oauth-proxy) is required");
    }
    String token = auth.token() == null ? null : secret("auth.token", auth.token());
    String refreshToken = auth.refreshToken() == null ? null : secret("auth.refreshToken", auth.refreshToken());
    boolean needsTokenUrl = refreshToken != null || authorizeUrl != null;
    String tokenUrl = !needsTokenUrl && auth.tokenUrl() == null ? null : url("auth.tokenUrl", auth.tokenUrl());
    String clientId = Bodies.bounded("auth.clientId", auth.clientId(), 500);
    if (authorizeUrl != null && (clientId == null || clientId.isBlank())) {
      throw ApiException.badRequest("auth.clientId", "auth.clientId is required with auth.authorizeUrl");
    }
    String scopes = Bodies.bounded("auth.scopes", auth.scopes(), 1000);
    if (scopes != null && scopes.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '"' || c == '\\')) {
      throw ApiException.badRequest("auth.scopes", "auth.scopes must be scope names separated by spaces");
    }
    Instant expiresAt = null;
    if (auth.expiresAt() != null) {
      try {
        expiresAt = Instant.parse(auth.expiresAt());
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest("auth.expiresAt", "auth.expiresAt must be an ISO-8601 instant, e.g. 2026-01-31T12:00:00Z");
      }
    }
    return new Credentials(Credentials.Type.oauth, token, null, null, refreshToken, expiresAt, tokenUrl, clientId,
        auth.clientSecret() == null ? null : secret("auth.clientSecret", auth.clientSecret()), authorizeUrl, scopes);
  }

  private static String secret(String field, String value) {
    if (value == null || value.isBlank()) {
      throw ApiException.badRequest(field, field + " is required");
    }
    if (value.length() > MAX_SECRET || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw ApiException.badRequest(field, field + " must be at most " + MAX_SECRET + " printable characters");
    }
    return value;
  }

}
