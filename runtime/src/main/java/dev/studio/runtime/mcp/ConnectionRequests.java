package dev.studio.runtime.mcp;

import dev.studio.runtime.http.ApiException;
import dev.studio.runtime.http.Bodies;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/** The bodies of the connection routes and their validation, each error naming its field. */
final class ConnectionRequests {
  // Tool names become "<connection>__<tool>": a name with "__" would make them ambiguous.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]|_(?!_)){0,62}");
  // An HTTP header name (RFC 9110 token).
  private static final Pattern HEADER = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");
  private static final int MAX_SECRET = 8192;

  record Auth(String type, String token, String header, String value) {}

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
      throw ApiException.badRequest("auth.type", "auth.type must be one of none, bearer, header");
    }
    return switch (type) {
      case none -> {
        refuse("auth.token", auth.token(), type);
        refuse("auth.header", auth.header(), type);
        refuse("auth.value", auth.value(), type);
        yield Credentials.NONE;
      }
      case bearer -> {
        refuse("auth.header", auth.header(), type);
        refuse("auth.value", auth.value(), type);
        yield new Credentials(type, secret("auth.token", auth.token()), null, null);
      }
      case header -> {
        refuse("auth.token", auth.token(), type);
        String header = Bodies.required("auth.header", auth.header(), 100);
        if (!HEADER.matcher(header).matches()) {
          throw ApiException.badRequest("auth.header", "auth.header is not a valid HTTP header name");
        }
        yield new Credentials(type, null, header, secret("auth.value", auth.value()));
      }
    };
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

  private static void refuse(String field, String value, Credentials.Type type) {
    if (value != null) {
      throw ApiException.badRequest(field, field + " does not go with auth.type " + type);
    }
  }
}
