package dev.studio.daemon.git;

import dev.studio.daemon.claim.GitAuthor;
import dev.studio.daemon.process.CappedOutput;
import dev.studio.daemon.process.ProcessLauncher;
import dev.studio.daemon.process.ProcessTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Runs the real {@code git} in the workspace, never waiting for a prompt and never longer than a timeout. */
final class GitCli {
  /** Bytes of output kept per stream: enough for a large diff, bounded for the JSON answer. */
  static final int OUTPUT_CAP = 4 * 1024 * 1024;
  private static final Pattern URL_CREDENTIALS = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s]+@");

  private final ProcessLauncher launcher;
  private final Supplier<GitAuthor> author;

  GitCli(ProcessLauncher launcher, Supplier<GitAuthor> author) {
    this.launcher = launcher;
    this.author = author;
  }

  GitOutput run(Duration timeout, String... args) {
    return run(timeout, List.of(args));
  }

  GitOutput run(Duration timeout, List<String> args) {
    List<String> argv = new ArrayList<>(args.size() + 8);
    argv.add("git");
    // The workspace volume may belong to another uid than ours; it is ours to work in all the same.
    argv.add("-c");
    argv.add("safe.directory=*");
    argv.add("-c");
    argv.add("commit.gpgsign=false");
    argv.add("-c");
    argv.add("core.quotepath=off");
    argv.addAll(args);
    GitAuthor who = author.get();
    Map<String, String> env = Map.of(
        "GIT_TERMINAL_PROMPT", "0",
        "GIT_OPTIONAL_LOCKS", "0",
        "LC_ALL", "C",
        "GIT_AUTHOR_NAME", who.name(),
        "GIT_AUTHOR_EMAIL", who.email(),
        "GIT_COMMITTER_NAME", who.name(),
        "GIT_COMMITTER_EMAIL", who.email());
    Process process;
    try {
      process = launcher.start(argv, false, env);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run git (is it installed?)", e);
    }
    CappedOutput stdout = new CappedOutput(OUTPUT_CAP);
    CappedOutput stderr = new CappedOutput(64 * 1024);
    Thread out = Thread.ofVirtual().start(() -> stdout.drain(process.getInputStream()));
    Thread err = Thread.ofVirtual().start(() -> stderr.drain(process.getErrorStream()));
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        ProcessTree.kill(process);
        process.waitFor(5, TimeUnit.SECONDS);
        out.join(Duration.ofSeconds(1));
        err.join(Duration.ofSeconds(1));
        return new GitOutput(124, stdout.text(),
            redact(stderr.text()) + "\ngit timed out after " + timeout.toSeconds() + " s", true);
      }
      out.join();
      err.join();
      return new GitOutput(process.exitValue(), stdout.text(), redact(stderr.text()), stdout.truncated());
    } catch (InterruptedException e) {
      // Whoever waited gave up (a shutdown deadline): the git process must not outlive the wait.
      ProcessTree.kill(process);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running git", e);
    }
  }

  /** Removes credentials from URLs (https://user:token@host/...) so they never reach a log or a client. */
  static String redact(String text) {
    return URL_CREDENTIALS.matcher(text).replaceAll("$1***@");
  }
}
