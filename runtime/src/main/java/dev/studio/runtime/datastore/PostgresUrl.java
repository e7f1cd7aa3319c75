package dev.studio.runtime.datastore;

import dev.studio.runtime.InvalidSetting;
import dev.studio.runtime.Secret;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A PostgreSQL connection URL in the libpq form operators put in Secrets
 * ({@code postgres://user:password@host:5432/db?sslmode=require}, CloudNativePG's {@code uri}), or
 * a {@code jdbc:postgresql:} URL, turned into what the JDBC driver takes. The password is kept
 * apart, as a {@link Secret}, so the JDBC URL can be logged.
 */
public record PostgresUrl(String jdbcUrl, Optional<String> user, Optional<Secret> password) {
  private static final Map<String, String> LIBPQ_TO_JDBC = Map.of(
      "connect_timeout", "connectTimeout",
      "application_name", "ApplicationName",
      "sslrootcert", "sslrootcert",
      "sslcert", "sslcert",
      "sslkey", "sslkey");

  public static PostgresUrl parse(String variable, String url) {
    if (url.startsWith("jdbc:postgresql:")) {
      return new PostgresUrl(url, Optional.empty(), Optional.empty());
    }
    String rest;
    if (url.startsWith("postgres://")) {
      rest = url.substring("postgres://".length());
    } else if (url.startsWith("postgresql://")) {
      rest = url.substring("postgresql://".length());
    } else {
      throw new InvalidSetting(variable + " must be a postgres://, postgresql:// or jdbc:postgresql: URL");
    }

    String query = "";
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    String database = "";
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      database = decode(rest.substring(slash + 1));
      rest = rest.substring(0, slash);
    }
    Optional<String> user = Optional.empty();
    Optional<Secret> password = Optional.empty();
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = userInfo.indexOf(':');
      String name = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
      user = name.isEmpty() ? Optional.empty() : Optional.of(name);
      if (colon >= 0 && colon < userInfo.length() - 1) {
        password = Optional.of(new Secret(decode(userInfo.substring(colon + 1))));
      }
    }
    String hosts = rest.isEmpty() ? "localhost" : rest;
    if (!hosts.matches("[A-Za-z0-9.\\-_:\\[\\],%]+")) {
      throw new InvalidSetting(variable + " has a malformed host part");
    }

    Map<String, String> parameters = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq >= 0 ? pair.substring(0, eq) : pair);
      String value = eq >= 0 ? decode(pair.substring(eq + 1)) : "";
      switch (key) {
        case "user" -> user = Optional.of(value);
        case "password" -> password = Optional.of(new Secret(value));
        case "dbname" -> database = value;
        case "target_session_attrs" -> parameters.put("targetServerType", "read-write".equals(value) ? "primary" : value);
        default -> parameters.put(LIBPQ_TO_JDBC.getOrDefault(key, key), value);
      }
    }

    StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(hosts).append('/').append(encodePath(database));
    String separator = "?";
    for (var parameter : parameters.entrySet()) {
      jdbc.append(separator).append(parameter.getKey()).append('=')
          .append(java.net.URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
      separator = "&";
    }
    return new PostgresUrl(jdbc.toString(), user, password);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String encodePath(String database) {
    return java.net.URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
