package dev.studio.daemon;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Every start-up setting of the daemon, read once from the environment.
 *
 * <p>The token is held here only to seed the control API's authenticator; {@link #toString()} never shows it.
 */
public record DaemonConfig(
    String token,
    Path workspace,
    String bindAddress,
    int controlPort,
    int previewPort,
    Path orgfsConfigFile,
    Duration shutdownPublishTimeout) {

  public static final String TOKEN = "DAEMON_TOKEN";
  public static final String WORKSPACE = "DAEMON_WORKSPACE";
  public static final String BIND_ADDRESS = "DAEMON_BIND_ADDRESS";
  public static final String CONTROL_PORT = "DAEMON_CONTROL_PORT";
  public static final String PREVIEW_PORT = "DAEMON_PREVIEW_PORT";
  public static final String ORGFS_CONFIG = "DAEMON_ORGFS_CONFIG";
  public static final String SHUTDOWN_PUBLISH_SECONDS = "DAEMON_SHUTDOWN_PUBLISH_SECONDS";

  /** Reads the settings; throws {@link ConfigException} naming the first variable that is missing or malformed. */
  public static DaemonConfig fromEnv(Map<String, String> env) {
    String token = env.get(TOKEN);
    if (token == null || token.isBlank()) {
      throw new ConfigException(TOKEN, "is required: the bearer token of the control API");
    }
    if (!Tokens.isWellFormed(token)) {
      throw new ConfigException(TOKEN, "is malformed: use printable ASCII without spaces");
    }
    return new DaemonConfig(
        token,
        workspace(env),
        text(env, BIND_ADDRESS, "0.0.0.0"),
        port(env, CONTROL_PORT, 9000),
        port(env, PREVIEW_PORT, 9001),
        path(env, ORGFS_CONFIG, "/run/orgfs/config.json"),
        Duration.ofSeconds(integer(env, SHUTDOWN_PUBLISH_SECONDS, 60, 1, 3600)));
  }

  @Override
  public String toString() {
    return "DaemonConfig[workspace=" + workspace + ", bindAddress=" + bindAddress
        + ", controlPort=" + controlPort + ", previewPort=" + previewPort
        + ", orgfsConfigFile=" + orgfsConfigFile + ", shutdownPublishTimeout=" + shutdownPublishTimeout + "]";
  }

  private static Path workspace(Map<String, String> env) {
    Path workspace = path(env, WORKSPACE, "/workspace");
    if (Files.exists(workspace) && !Files.isDirectory(workspace)) {
      throw new ConfigException(WORKSPACE, "is not a directory: " + workspace);
    }
    return workspace.toAbsolutePath().normalize();
  }

  private static String text(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static Path path(Map<String, String> env, String name, String fallback) {
    try {
      return Path.of(text(env, name, fallback));
    } catch (InvalidPathException e) {
      throw new ConfigException(name, "is not a valid path: " + e.getReason());
    }
  }

  private static int port(Map<String, String> env, String name, int fallback) {
    return integer(env, name, fallback, 0, 65535);
  }

  private static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < min || parsed > max) {
        throw new ConfigException(name, "must be between " + min + " and " + max + ", got " + value.trim());
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new ConfigException(name, "must be an integer, got '" + value.trim() + "'");
    }
  }
}
