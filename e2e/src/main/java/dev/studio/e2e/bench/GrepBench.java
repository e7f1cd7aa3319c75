package dev.studio.e2e.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The daemon's grep over a 10,000-file workspace against {@code grep -rn} on the same tree, run
 * alternately in the same session after both are warm (goal: within 2×).
 */
public final class GrepBench implements Benchmark {
  static final int FILES = 10_000;
  static final int ROUNDS = 9;

  @Override
  public String name() {
    return "grep";
  }

  @Override
  public Report run() throws Exception {
    var report = new Report(name());
    Path workspace = Files.createTempDirectory("grep-bench");
    long bytes = writeTree(workspace);
    report.note("tree", FILES + " files, " + bytes / (1024 * 1024) + " MiB, 1 in 20 with a match");
    try (var daemon = new SandboxDaemon(workspace)) {
      for (String pattern : List.of("fixMeLater", "fix[A-Z][a-z]+Later")) {
        List<Double> daemonTimes = new ArrayList<>();
        List<Double> grepTimes = new ArrayList<>();
        for (int round = 0; round < ROUNDS + 2; round++) {
          long start = System.nanoTime();
          String answer = daemon.post("/_sandbox/grep", "{\"pattern\": \"" + pattern + "\"}");
          double daemonMs = (System.nanoTime() - start) / 1e6;
          start = System.nanoTime();
          String grepped = SandboxDaemon.run(List.of("grep", "-rnE", pattern, workspace.toString()), Duration.ofMinutes(1));
          double grepMs = (System.nanoTime() - start) / 1e6;
          if (round == 0 && countMatches(answer) != grepped.lines().count()) {
            throw new IllegalStateException("the daemon found " + countMatches(answer) + " matches, grep "
                + grepped.lines().count());
          }
          if (round >= 2) { // two warm-up rounds
            daemonTimes.add(daemonMs);
            grepTimes.add(grepMs);
          }
        }
        var ours = Stats.of(daemonTimes);
        var theirs = Stats.of(grepTimes);
        report.distribution("grep -rnE '" + pattern + "', baseline", "ms", theirs, "(baseline)", true);
        report.distribution("daemon POST /_sandbox/grep '" + pattern + "'", "ms", ours, "p50 <= 2x grep -r",
            ours.p50() <= 2 * theirs.p50());
        report.figure("  ratio p50 / grep -r p50", "x", ours.p50() / theirs.p50(), "<= 2", ours.p50() <= 2 * theirs.p50());
      }
    }
    return report;
  }

  /** Source-like files in nested directories; every 20th has one line to find. */
  static long writeTree(Path root) throws Exception {
    var random = new Random(42);
    long total = 0;
    String[] words = {"const", "value", "return", "function", "import", "export", "await", "render", "props", "state"};
    for (int i = 0; i < FILES; i++) {
      Path dir = root.resolve("src/module" + (i % 100) + "/part" + (i % 7));
      Files.createDirectories(dir);
      var text = new StringBuilder(4096);
      int lines = 80 + random.nextInt(40);
      for (int line = 0; line < lines; line++) {
        for (int w = 0; w < 6; w++) {
          text.append(words[random.nextInt(words.length)]).append(' ');
        }
        text.append(random.nextInt(100_000)).append('\n');
      }
      if (i % 20 == 0) {
        text.append("  // fixMeLater: tidy this up\n");
      }
      Files.writeString(dir.resolve("file" + i + ".ts"), text);
      total += text.length();
    }
    return total;
  }

  private static long countMatches(String json) {
    int count = 0;
    for (int at = json.indexOf("\"line\""); at >= 0; at = json.indexOf("\"line\"", at + 1)) {
      count++;
    }
    return count;
  }
}
