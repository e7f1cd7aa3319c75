package dev.studio.daemon;

/**
 * Starts the sandbox daemon from its environment. A missing or malformed setting ends start-up with one line on
 * stderr naming the variable, and exit code 2. SIGTERM runs {@link Daemon#shutdown()}.
 */
public final class DaemonMain {
  private DaemonMain() {
  }

  public static void main(String[] args) {
    quietLibraryLogs();
    DaemonConfig config;
    try {
      config = DaemonConfig.fromEnv(System.getenv());
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Daemon daemon;
    try {
      daemon = Daemon.start(config);
    } catch (Exception e) {
      System.err.println("daemon failed to start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(daemon::shutdown, "daemon-shutdown"));
  }

  /**
   * The daemon's own lines at info; Jetty's and Javalin's only when something is wrong. Set before any logger
   * exists; a {@code -D} on the command line still wins.
   */
  private static void quietLibraryLogs() {
    java.util.Map.of(
        "org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn",
        "org.slf4j.simpleLogger.log.io.javalin", "warn",
        "org.slf4j.simpleLogger.showDateTime", "true",
        "org.slf4j.simpleLogger.showThreadName", "false",
        "org.slf4j.simpleLogger.showShortLogName", "true"
    ).forEach((key, value) -> {
      if (System.getProperty(key) == null) {
        System.setProperty(key, value);
      }
    });
  }
}
