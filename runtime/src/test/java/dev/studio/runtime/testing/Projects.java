package dev.studio.runtime.testing;

import dev.studio.daemon.DaemonMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Projects for sandboxes under test: a git repository with a dev server, and the daemon that runs it. */
public final class Projects {
  public static final String START = "node server.js";
  public static final String FIRST_PAGE = "hello from version one";

  private Projects() {}

  /**
   * A bare repository (as a {@code file:} URL) with a Node dev server that serves {@code index.html}
   * as it is on disk at each request, so an agent's edit shows at once.
   */
  public static String nodeDevServer(Path dir) throws Exception {
    Path seed = Files.createDirectories(dir.resolve("seed"));
    Files.writeString(seed.resolve("index.html"), "<html><body><p>" + FIRST_PAGE + "</p></body></html>");
    Files.writeString(seed.resolve("server.js"), """
        const http = require("http");
        const fs = require("fs");
        http.createServer((req, res) => {
          res.writeHead(200, {"Content-Type": "text/html"});
          res.end(fs.readFileSync("index.html"));
        }).listen(Number(process.env.PORT), "127.0.0.1");
        """);
    git(seed, "init", "--quiet", "--initial-branch=main");
    git(seed, "add", "--all");
    git(seed, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "A dev server");
    Path bare = dir.resolve("project.git");
    git(dir, "clone", "--quiet", "--bare", seed.toString(), bare.toString());
    return bare.toUri().toString();
  }

  /** The daemon from this test's own classpath, as a process. */
  public static List<String> daemonCommand() {
    return List.of(ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
        DaemonMain.class.getName());
  }

  private static void git(Path in, String... args) throws Exception {
    var command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    var process = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException("git " + String.join(" ", args) + ": " + out);
    }
  }
}
