package dev.studio.runtime;

import dev.studio.runtime.link.client.DesktopLink;
import dev.studio.runtime.link.client.LinkConfig;
import dev.studio.runtime.web.WebAssets;
import java.nio.file.Path;

/**
 * The runtime's entry point.
 *
 * <ul>
 *   <li>{@code serve} (the default) runs the role STUDIO_ROLE says, configured by DESIGN §3's env;
 *   <li>{@code dev} runs role {@code all} against this machine's PostgreSQL, Redis and NATS with
 *       generated local keys ({@link LocalDev});
 *   <li>{@code link --url <platform>} (token in STUDIO_TOKEN) links this machine to the platform: the
 *       user's runs execute here, against local sandboxes, while it runs (docs/desktop-link.md);
 *   <li>{@code export-web <dir>} copies the web app's files into a directory (the web tier's init
 *       container does this, so nginx serves the files of the very same build).
 * </ul>
 */
public final class RuntimeMain {
  private RuntimeMain() {}

  public static void main(String[] args) throws Exception {
    String command = args.length == 0 ? "serve" : args[0];
    switch (command) {
      case "serve" -> serve(System.getenv());
      case "dev" -> dev();
      case "link" -> link(java.util.Arrays.copyOfRange(args, 1, args.length));
      case "export-web" -> {
        if (args.length != 2) {
          fail("usage: export-web <directory>");
        }
        int files = WebAssets.export(Path.of(args[1]));
        System.out.println("exported " + files + " web files to " + args[1]);
      }
      default -> fail("unknown command '" + command + "'; commands: serve, dev, link --url <platform>, export-web <directory>");
    }
  }

  private static StudioRuntime serve(java.util.Map<String, String> env) throws Exception {
    StudioRuntime runtime;
    try {
      runtime = StudioRuntime.start(RuntimeConfig.fromEnv(env)); // a bad setting or a taken port: one line
    } catch (InvalidSetting e) {
      fail(e.getMessage());
      return null;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "shutdown"));
    return runtime;
  }

  private static void dev() throws Exception {
    java.util.Map<String, String> env;
    try {
      env = LocalDev.environment(System.getenv());
    } catch (InvalidSetting e) {
      fail(e.getMessage());
      return;
    }
    var runtime = serve(env);
    String url = "http://localhost:" + runtime.port();
    System.out.println();
    System.out.println("Studio is running at " + url + " (role all, " + runtime.config().model().provider() + " model). Try:");
    System.out.println("  export STUDIO_TOKEN=$(cat " + LocalDev.DIR.resolve("admin-token").toAbsolutePath() + ")");
    System.out.println("  curl -s " + url + "/health/ready");
    System.out.println("Stop it with Ctrl-C.");
  }

  private static void link(String[] args) throws Exception {
    LinkConfig config;
    try {
      config = LinkConfig.from(args, System.getenv());
    } catch (InvalidSetting e) {
      fail(e.getMessage());
      return;
    }
    var link = new DesktopLink(config);
    try {
      link.start();
    } catch (java.io.IOException e) {
      fail("the platform refused the link: " + e.getMessage());
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(link::close, "link-shutdown"));
    link.serve();
  }

  private static void fail(String line) {
    System.err.println("studio: " + line);
    System.exit(2);
  }
}
