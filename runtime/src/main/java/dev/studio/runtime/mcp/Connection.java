package dev.studio.runtime.mcp;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A downstream MCP server an org registered. Holds no secret: the credentials stay sealed in the
 * store until a client is built. {@code timeout} bounds one request to it; {@code version} changes
 * with every update.
 */
public record Connection(UUID id, UUID orgId, String name, String url, Credentials.Type authType, String authHeader, Duration timeout,
    long version, Instant createdAt, Instant updatedAt) {

  /** The API's view: what was given, less any secret. */
  Map<String, Object> json() {
    var auth = new LinkedHashMap<String, Object>();
    auth.put("type", authType.name());
    if (authHeader != null) {
      auth.put("header", authHeader);
    }
    var json = new LinkedHashMap<String, Object>();
    json.put("id", id.toString());
    json.put("name", name);
    json.put("url", url);
    json.put("auth", auth);
    json.put("timeoutMs", timeout.toMillis());
    json.put("createdAt", createdAt.toString());
    json.put("updatedAt", updatedAt.toString());
    return json;
  }
}
