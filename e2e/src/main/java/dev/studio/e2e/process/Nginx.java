package dev.studio.e2e.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web container in process mode where nginx is installed: a real nginx running the very server
 * block the operator rendered into the web ConfigMap, with only what a pod and a machine differ in
 * changed: the upstream (the api Service → its local port), the listen port and the document root
 * (the volume the init container exported the app into). Everything else (the proxy rules, SSE
 * buffering, caching headers, the single-page fallback) is the operator's config as it ships.
 */
public final class Nginx implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/sbin/nginx");
  private static final Pattern UPSTREAM = Pattern.compile("server\\s+[a-z0-9.-]+\\.svc:\\d+;");
  private static final Pattern LISTEN = Pattern.compile("listen\\s+\\d+;");
  private static final Pattern ROOT = Pattern.compile("root\\s+/usr/share/nginx/html;");

  private final Process process;
  private final Path dir;

  private Nginx(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
  }

  public static Optional<Path> installed() {
    return Files.isExecutable(BINARY) ? Optional.of(BINARY) : Optional.empty();
  }

  /** The operator's server block with the pod-to-machine differences applied. */
  static String localServer(String operatorConfig, int upstreamPort, int port, Path root) {
    String config = replaceOnce(operatorConfig, UPSTREAM, "server 127.0.0.1:" + upstreamPort + ";");
    config = replaceOnce(config, LISTEN, "listen 127.0.0.1:" + port + ";");
    return replaceOnce(config, ROOT, "root " + root.toAbsolutePath() + ";");
  }

  static Nginx start(String operatorConfig, int upstreamPort, int port, Path root, Path dir) throws IOException {
    Files.createDirectories(dir.resolve("logs"));
    Files.writeString(dir.resolve("default.conf"), localServer(operatorConfig, upstreamPort, port, root));
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    Files.writeString(dir.resolve("nginx.conf"), (asRoot ? "user root root;\n" : "") + """
        worker_processes 1;
        daemon off;
        pid %1$s/logs/nginx.pid;
        error_log %1$s/logs/error.log warn;
        events { worker_connections 1024; }
        http {
          include /etc/nginx/mime.types;
          default_type application/octet-stream;
          access_log off;
          client_body_temp_path %1$s/logs/body;
          proxy_temp_path %1$s/logs/proxy;
          fastcgi_temp_path %1$s/logs/fastcgi;
          uwsgi_temp_path %1$s/logs/uwsgi;
          scgi_temp_path %1$s/logs/scgi;
          include %1$s/default.conf;
        }
        """.formatted(dir.toAbsolutePath()));
    var process = new ProcessBuilder(BINARY.toString(), "-p", dir.toString(), "-e", dir.resolve("logs/error.log").toString(),
        "-c", dir.resolve("nginx.conf").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("logs/nginx.out").toFile()).start();
    return new Nginx(process, dir);
  }

  /** Why nginx stopped, if it did (its error log). */
  Optional<String> failure() throws IOException {
    if (process.isAlive()) {
      return Optional.empty();
    }
    return Optional.of("nginx exited " + process.exitValue() + ": " + Files.readString(dir.resolve("logs/nginx.out"))
        + (Files.exists(dir.resolve("logs/error.log")) ? Files.readString(dir.resolve("logs/error.log")) : ""));
  }

  private static String replaceOnce(String config, Pattern pattern, String replacement) {
    Matcher matcher = pattern.matcher(config);
    if (!matcher.find()) {
      throw new IllegalStateException("the web config has no " + pattern.pattern() + " to run it locally");
    }
    return matcher.replaceFirst(Matcher.quoteReplacement(replacement));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
