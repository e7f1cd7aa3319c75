package dev.studio.runtime;

import java.nio.file.Path;

/**
 * The runtime's entry point. {@code serve} (the default) runs the role STUDIO_ROLE says; {@code
 * export-web <dir>} copies the web app's files into a directory (the web tier's init container
 * does this, so nginx serves the files of the very same build).
 */
public final class RuntimeMain {
  private RuntimeMain() {}

  public static void main(String[] args) throws Exception {
    String command = args.length == 0 ? "serve" : args[0];
    switch (command) {
      case "serve" -> serve();
      case "export-web" -> {
        if (args.length != 2) {
          fail("usage: export-web <directory>");
        }
        int files = WebAssets.export(Path.of(args[1]));
        System.out.println("exported " + files + " web files to " + args[1]);
      }
      default -> fail("unknown command '" + command + "'; commands: serve, export-web <directory>");
    }
  }

  private static void serve() throws Exception {
    RuntimeConfig config;
    try {
      config = RuntimeConfig.fromEnv(System.getenv());
    } catch (InvalidSetting e) {
      fail(e.getMessage());
      return;
    }
    var runtime = StudioRuntime.start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "shutdown"));
  }

  private static void fail(String line) {
    System.err.println("studio: " + line);
    System.exit(2);
  }
}
