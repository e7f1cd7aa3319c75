package dev.studio.e2e.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The sandbox preview proxy (the daemon's port 9001) against nginx proxying the same upstream (an
 * nginx serving a dev server's static files), loaded by wrk, in alternating rounds in one session.
 * Goals: ≥ 0.8× nginx's requests/s, p99 ≤ 2× nginx's. Needs {@code wrk} and {@code nginx} (Debian:
 * {@code apt-get install wrk nginx-light}).
 */
public final class PreviewBench implements Benchmark {
  static final int ROUNDS = Integer.getInteger("bench.preview.rounds", 5);
  static final String SECONDS = "8";
  private static final Pattern REQUESTS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern P99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s)");

  @Override
  public String name() {
    return "preview";
  }

  @Override
  public Report run() throws Exception {
    String nginxBinary = find("nginx", "/usr/sbin/nginx");
    String wrk = find("wrk", "/usr/bin/wrk");
    var report = new Report(name());
    Path dir = Files.createTempDirectory("preview-bench");
    Files.createDirectories(dir.resolve("site"));
    Files.createDirectories(dir.resolve("logs"));
    Files.writeString(dir.resolve("site/app.js"), "export const answer = 42;\n".repeat(160)); // ~4 KiB
    Files.writeString(dir.resolve("site/index.html"), "<!doctype html><html><head><title>dev</title></head><body>"
        + "<main>" + "<p>hello from the dev server</p>".repeat(60) + "</main></body></html>");
    int upstream = SandboxDaemon.freePort();
    int nginxProxy = SandboxDaemon.freePort();
    Files.writeString(dir.resolve("nginx.conf"), nginxConfig(dir, upstream, nginxProxy));
    var nginx = new ProcessBuilder(nginxBinary, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("logs/nginx.out").toFile()).start();
    try (var daemon = new SandboxDaemon(Files.createDirectories(dir.resolve("workspace")))) {
      daemon.post("/_sandbox/config", "{\"port\": " + upstream + "}");
      Thread.sleep(500);
      for (String path : List.of("/app.js", "/index.html")) {
        String daemonUrl = "http://127.0.0.1:" + daemon.previewPort + path;
        String nginxUrl = "http://127.0.0.1:" + nginxProxy + path;
        wrk(wrk, daemonUrl, "3"); // warm both
        wrk(wrk, nginxUrl, "3");
        List<Double> oursRps = new ArrayList<>();
        List<Double> theirsRps = new ArrayList<>();
        List<Double> oursP99 = new ArrayList<>();
        List<Double> theirsP99 = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
          double[] theirs = wrk(wrk, nginxUrl, SECONDS);
          double[] ours = wrk(wrk, daemonUrl, SECONDS);
          theirsRps.add(theirs[0]);
          theirsP99.add(theirs[1]);
          oursRps.add(ours[0]);
          oursP99.add(ours[1]);
        }
        var rps = Stats.of(oursRps);
        var nginxRps = Stats.of(theirsRps);
        var p99 = Stats.of(oursP99);
        var nginxP99 = Stats.of(theirsP99);
        String what = path.equals("/app.js") ? "a 4 KiB script" : "an HTML page (the bootstrap script injected)";
        report.distribution("nginx proxy, " + what + ", requests/s per round, baseline", "req/s", nginxRps, "(baseline)", true);
        report.distribution("preview proxy, " + what + ", requests/s per round", "req/s", rps, ">= 0.8x nginx",
            rps.p50() >= 0.8 * nginxRps.p50());
        report.figure("  ratio requests/s (medians)", "x", rps.p50() / nginxRps.p50(), ">= 0.8", rps.p50() >= 0.8 * nginxRps.p50());
        report.distribution("nginx proxy, " + what + ", p99 latency per round, baseline", "ms", nginxP99, "(baseline)", true);
        report.distribution("preview proxy, " + what + ", p99 latency per round", "ms", p99, "<= 2x nginx",
            p99.p50() <= 2 * nginxP99.p50());
        report.figure("  ratio p99 (medians)", "x", p99.p50() / nginxP99.p50(), "<= 2", p99.p50() <= 2 * nginxP99.p50());
      }
      report.note("load", "wrk -t2 -c50 -d" + SECONDS + "s, " + ROUNDS + " alternating rounds per target");
      report.note("nginx", "1 worker, upstream keepalive 32, access log off");
    } finally {
      nginx.destroy();
      nginx.waitFor();
    }
    return report;
  }

  private static String nginxConfig(Path dir, int upstream, int proxy) {
    boolean root = "root".equals(System.getProperty("user.name"));
    return (root ? "user root root;\n" : "") + """
        worker_processes 1;
        daemon off;
        master_process on;
        pid %1$s/logs/nginx.pid;
        error_log %1$s/logs/error.log warn;
        events { worker_connections 1024; }
        http {
          access_log off;
          client_body_temp_path %1$s/logs/body;
          proxy_temp_path %1$s/logs/proxy;
          fastcgi_temp_path %1$s/logs/fastcgi;
          uwsgi_temp_path %1$s/logs/uwsgi;
          scgi_temp_path %1$s/logs/scgi;
          types { text/html html; application/javascript js; }
          upstream dev { server 127.0.0.1:%2$d; keepalive 32; }
          server { listen 127.0.0.1:%2$d; root %1$s/site; }
          server {
            listen 127.0.0.1:%3$d;
            location / { proxy_pass http://dev; proxy_http_version 1.1; proxy_set_header Connection ""; }
          }
        }
        """.formatted(dir, upstream, proxy);
  }

  /** One wrk run: requests/s and p99 in ms. */
  private static double[] wrk(String wrk, String url, String seconds) throws Exception {
    String out = SandboxDaemon.run(List.of(wrk, "-t2", "-c50", "-d" + seconds + "s", "--latency", url), Duration.ofMinutes(2));
    var requests = REQUESTS.matcher(out);
    var p99 = P99.matcher(out);
    if (!requests.find() || !p99.find() || out.contains("Non-2xx")) {
      throw new IllegalStateException("wrk against " + url + ":\n" + out);
    }
    double value = Double.parseDouble(p99.group(1));
    double millis = switch (p99.group(2)) {
      case "us" -> value / 1000;
      case "s" -> value * 1000;
      default -> value;
    };
    return new double[] {Double.parseDouble(requests.group(1)), millis};
  }

  private static String find(String name, String usual) {
    if (Files.isExecutable(Path.of(usual))) {
      return usual;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name).toString();
      }
    }
    throw new IllegalStateException(name + " is not installed; on Debian: apt-get install wrk nginx-light");
  }
}
