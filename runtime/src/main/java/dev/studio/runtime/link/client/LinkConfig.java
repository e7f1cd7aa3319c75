package dev.studio.runtime.link.client;

import dev.studio.runtime.InvalidSetting;
import dev.studio.runtime.RuntimeConfig;
import dev.studio.runtime.Secret;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The link program's settings, read once from its arguments and environment: {@code --url} /
 * {@code STUDIO_URL} (the platform), {@code --token} / {@code STUDIO_TOKEN} (the user's token; the
 * environment keeps it out of the process list), {@code --workspace} / {@code STUDIO_LINK_WORKSPACE}
 * (where project workspaces live, {@code ~/.studio/link/workspaces}), {@code SANDBOX_DAEMON_COMMAND}
 * (how to start the sandbox daemon) and {@code --poll-seconds} (the long poll's wait, 15).
 */
public record LinkConfig(String url, Secret token, Path workspaces, List<String> daemonCommand, int pollSeconds, String linkId,
    String host) {

  public static LinkConfig from(String[] args, Map<String, String> env) {
    String url = option(args, "--url", env.get("STUDIO_URL"));
    String token = option(args, "--token", env.get("STUDIO_TOKEN"));
    String workspace = option(args, "--workspace", env.get("STUDIO_LINK_WORKSPACE"));
    String poll = option(args, "--poll-seconds", "15");
    if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
      throw new InvalidSetting("--url (or STUDIO_URL) must be the platform's http:// or https:// URL");
    }
    if (token == null || token.isBlank()) {
      throw new InvalidSetting("STUDIO_TOKEN (or --token) must be your API token");
    }
    int pollSeconds;
    try {
      pollSeconds = Integer.parseInt(poll);
    } catch (NumberFormatException e) {
      throw new InvalidSetting("--poll-seconds must be a number of seconds, got '" + poll + "'");
    }
    if (pollSeconds < 1 || pollSeconds > 30) {
      throw new InvalidSetting("--poll-seconds must be 1 to 30");
    }
    Path workspaces = workspace != null ? Path.of(workspace)
        : Path.of(System.getProperty("user.home"), ".studio", "link", "workspaces");
    return new LinkConfig(url.endsWith("/") ? url.substring(0, url.length() - 1) : url, new Secret(token.trim()),
        workspaces.toAbsolutePath(), RuntimeConfig.daemonCommand(env), pollSeconds,
        "link-" + UUID.randomUUID().toString().substring(0, 8), hostname());
  }

  private static String option(String[] args, String name, String fallback) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(name)) {
        if (i + 1 >= args.length) {
          throw new InvalidSetting(name + " needs a value");
        }
        return args[i + 1];
      }
      if (args[i].startsWith(name + "=")) {
        return args[i].substring(name.length() + 1);
      }
    }
    return fallback;
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
