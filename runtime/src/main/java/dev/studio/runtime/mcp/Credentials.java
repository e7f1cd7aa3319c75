package dev.studio.runtime.mcp;

import java.util.Map;

/**
 * How the platform authenticates to a downstream: nothing, a bearer token, or a value in a header
 * of the connection's choosing (an API key). {@link #toString} never shows a secret.
 */
public record Credentials(Type type, String token, String header, String value) {
  public static final Credentials NONE = new Credentials(Type.none, null, null, null);

  public enum Type { none, bearer, header }

  /** The headers every request to the downstream carries. */
  Map<String, String> headers() {
    return switch (type) {
      case none -> Map.of();
      case bearer -> Map.of("Authorization", "Bearer " + token);
      case header -> Map.of(header, value);
    };
  }

  @Override
  public String toString() {
    return "Credentials[" + type + (header == null ? "" : ", header=" + header) + "]";
  }
}
