package dev.studio.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.daemon.DaemonException;
import dev.studio.daemon.Tokens;
import dev.studio.daemon.claim.ClaimConfig;
import dev.studio.daemon.claim.ClaimConfigPatch;
import dev.studio.daemon.claim.ClaimConfigStore;
import dev.studio.daemon.claim.GitAuthor;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The per-claim configuration a bound sandbox receives: {@code POST /_sandbox/config} (which may also rotate the
 * token) and {@code POST /_sandbox/orgfs-config} (relayed to the org-fs sidecar's config file).
 */
public final class ConfigRoutes implements RouteGroup {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern URL_CREDENTIALS = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s]+@");

  /** The effective configuration as answered: no token, no env values, no credentials in the repo URL. */
  record EffectiveConfig(String repo, String ref, String install, String build, String start, Integer port,
      boolean publishOnShutdown, GitAuthor gitAuthor, List<String> envKeys) {
  }

  record Relayed(String path, int bytes) {
  }

  private final ClaimConfigStore store;
  private final BearerAuth auth;
  private final ObjectMapper json;
  private final Path orgfsConfigFile;

  public ConfigRoutes(ClaimConfigStore store, BearerAuth auth, ObjectMapper json, Path orgfsConfigFile) {
    this.store = store;
    this.auth = auth;
    this.json = json;
    this.orgfsConfigFile = orgfsConfigFile;
  }

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.post("/_sandbox/config", this::configure);
    routes.post("/_sandbox/orgfs-config", this::relayOrgfsConfig);
  }

  private void configure(Context ctx) throws IOException {
    JsonBody body = JsonBody.read(ctx, json);
    String token = body.optionalString("token");
    if (token != null && !Tokens.isWellFormed(token)) {
      throw DaemonException.invalidField("token", "must be printable ASCII without spaces");
    }
    ClaimConfigPatch patch = new ClaimConfigPatch(
        nonBlank(body, "repo"),
        nonBlank(body, "ref"),
        command(body, "install"),
        command(body, "build"),
        command(body, "start"),
        Optional.ofNullable(body.optionalInt("port", 1, 65535)).map(OptionalInt::of).orElse(OptionalInt.empty()),
        Optional.ofNullable(body.optionalBoolean("publishOnShutdown")),
        Optional.ofNullable(gitAuthor(body)),
        Optional.ofNullable(env(body)));
    // Everything is validated before anything changes: a bad field leaves both token and config as they were.
    ClaimConfig effective = store.apply(patch);
    if (token != null) {
      auth.rotate(token);
    }
    ctx.json(describe(effective));
  }

  private void relayOrgfsConfig(Context ctx) throws IOException {
    JsonBody body = JsonBody.read(ctx, json);
    if (body.raw().length == 0) {
      throw DaemonException.invalidField("body", "must be the sidecar's JSON configuration");
    }
    Path parent = orgfsConfigFile.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    // Written beside the target and renamed over it, so the sidecar never reads half a file.
    Path temp = Files.createTempFile(parent, ".config-", ".json.tmp");
    try {
      Files.write(temp, body.raw());
      Files.move(temp, orgfsConfigFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    ctx.json(new Relayed(orgfsConfigFile.toString(), body.raw().length));
  }

  private static Optional<String> nonBlank(JsonBody body, String field) {
    String value = body.optionalString(field);
    if (value != null && value.isBlank()) {
      throw DaemonException.invalidField(field, "must not be blank");
    }
    return Optional.ofNullable(value);
  }

  /** A command present in the body replaces the old one; an empty string or null clears it. */
  private static Optional<String> command(JsonBody body, String field) {
    if (!body.node().has(field)) {
      return Optional.empty();
    }
    String value = body.optionalString(field);
    return Optional.of(value == null ? "" : value);
  }

  private static GitAuthor gitAuthor(JsonBody body) {
    ObjectNode author = body.optionalObject("gitAuthor");
    if (author == null) {
      return null;
    }
    JsonNode name = author.get("name");
    JsonNode email = author.get("email");
    if (name == null || !name.isTextual() || name.asText().isBlank()) {
      throw DaemonException.invalidField("gitAuthor.name", "is required");
    }
    if (email == null || !email.isTextual() || email.asText().isBlank()) {
      throw DaemonException.invalidField("gitAuthor.email", "is required");
    }
    return new GitAuthor(name.asText(), email.asText());
  }

  private static Map<String, String> env(JsonBody body) {
    ObjectNode env = body.optionalObject("env");
    if (env == null) {
      return null;
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> fields = env.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      if (!ENV_NAME.matcher(name).matches() || name.startsWith("DAEMON_")) {
        throw DaemonException.invalidField("env." + name, "is not an allowed environment variable name");
      }
      if (!field.getValue().isTextual()) {
        throw DaemonException.invalidField("env." + name, "must be a string");
      }
      values.put(name, field.getValue().asText());
    }
    return values;
  }

  private static EffectiveConfig describe(ClaimConfig config) {
    String repo = config.repo() == null ? null : URL_CREDENTIALS.matcher(config.repo()).replaceAll("$1***@");
    return new EffectiveConfig(repo, config.ref(), config.install(), config.build(), config.start(), config.port(),
        config.publishOnShutdown(), config.gitAuthor(), config.env().keySet().stream().sorted().toList());
  }
}
