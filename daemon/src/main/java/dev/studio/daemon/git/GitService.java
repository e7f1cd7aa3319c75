package dev.studio.daemon.git;

import dev.studio.daemon.DaemonException;
import dev.studio.daemon.claim.GitAuthor;
import dev.studio.daemon.process.ProcessLauncher;
import dev.studio.daemon.workspace.WorkspaceRoot;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Git in the workspace: clone, status, diff, publish (commit and push) and discard, with the real git CLI. */
public final class GitService {
  /** The tree of a repository without files: what an unborn HEAD is compared against. */
  private static final String EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
  private static final Duration LOCAL = Duration.ofSeconds(60);
  private static final Duration NETWORK = Duration.ofMinutes(10);
  private static final int MAX_UNTRACKED_IN_DIFF = 200;
  private static final String DEFAULT_MESSAGE = "Update from Studio sandbox";

  private final GitCli git;
  private final WorkspaceRoot root;
  /** Changes to the repository happen one at a time; reads do not wait. */
  private final ReentrantLock writeLock = new ReentrantLock();

  public GitService(ProcessLauncher launcher, WorkspaceRoot root, Supplier<GitAuthor> author) {
    this.git = new GitCli(launcher, author);
    this.root = root;
  }

  public boolean isRepository() {
    return Files.exists(root.realRoot().resolve(".git"));
  }

  /**
   * Makes the workspace a checkout of {@code repo} at {@code ref} (a branch, tag or commit; the remote's default
   * branch when null). The workspace may already hold files (org-fs mounts, say), so this initialises in place and
   * fetches rather than {@code git clone} into an empty directory. A workspace already cloned from the same
   * remote is left as it is.
   */
  public void cloneInto(String repo, String ref, Consumer<String> progress) {
    writeLock.lock();
    try {
      if (isRepository()) {
        GitOutput origin = git.run(LOCAL, "remote", "get-url", "origin");
        if (origin.ok() && origin.stdout().strip().equals(repo)) {
          progress.accept("already cloned from " + GitCli.redact(repo));
          return;
        }
      } else {
        check(git.run(LOCAL, "init", "--quiet"), "git init");
      }
      GitOutput hasOrigin = git.run(LOCAL, "remote", "get-url", "origin");
      check(git.run(LOCAL, hasOrigin.ok() ? List.of("remote", "set-url", "origin", repo) : List.of("remote", "add", "origin", repo)),
          "git remote");
      progress.accept("fetching " + GitCli.redact(repo));
      check(git.run(NETWORK, "fetch", "--quiet", "--tags", "origin"), "git fetch");
      String target = ref == null || ref.isBlank() ? remoteDefaultBranch().orElse(null) : ref;
      if (target == null) {
        progress.accept("the remote has no commits yet");
        return;
      }
      progress.accept("checking out " + target);
      if (git.run(LOCAL, "rev-parse", "--verify", "--quiet", "refs/remotes/origin/" + target).ok()) {
        check(git.run(LOCAL, "checkout", "--quiet", "-B", target, "refs/remotes/origin/" + target), "git checkout");
        check(git.run(LOCAL, "branch", "--quiet", "--set-upstream-to=origin/" + target), "git branch");
      } else {
        if (!git.run(LOCAL, "rev-parse", "--verify", "--quiet", target + "^{commit}").ok()) {
          // A commit no branch or tag reaches is only fetched when asked for by name.
          check(git.run(NETWORK, "fetch", "--quiet", "origin", target), "git fetch " + target);
        }
        check(git.run(LOCAL, "checkout", "--quiet", "--detach", target), "git checkout");
      }
    } finally {
      writeLock.unlock();
    }
  }

  public GitStatus status() {
    requireRepository();
    GitOutput output = git.run(LOCAL, "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all");
    check(output, "git status");
    return GitStatusParser.parse(output.stdout());
  }

  /** The working tree against HEAD, optionally for one path; new untracked files appear as additions. */
  public GitDiff diff(String path) {
    requireRepository();
    List<String> pathspec = new ArrayList<>();
    if (path != null && !path.isEmpty()) {
      pathspec.add(root.relative(root.resolve("path", path)));
    }
    String base = headSha().isPresent() ? "HEAD" : EMPTY_TREE;
    List<String> args = new ArrayList<>(List.of("diff", "--no-color", "--no-ext-diff", base, "--"));
    args.addAll(pathspec);
    GitOutput tracked = git.run(LOCAL, args);
    check(tracked, "git diff");
    StringBuilder diff = new StringBuilder(tracked.stdout());
    boolean truncated = tracked.truncated();

    List<String> listArgs = new ArrayList<>(List.of("ls-files", "--others", "--exclude-standard", "-z", "--"));
    listArgs.addAll(pathspec);
    String[] untracked = git.run(LOCAL, listArgs).stdout().split("\0");
    int shown = 0;
    for (String file : untracked) {
      if (file.isEmpty()) {
        continue;
      }
      if (shown++ == MAX_UNTRACKED_IN_DIFF || diff.length() >= GitCli.OUTPUT_CAP) {
        truncated = true;
        break;
      }
      // --no-index exits 1 when the files differ, which is the point here.
      diff.append(git.run(LOCAL, "diff", "--no-color", "--no-ext-diff", "--no-index", "--", "/dev/null", file).stdout());
    }
    if (diff.length() > GitCli.OUTPUT_CAP) {
      diff.setLength(GitCli.OUTPUT_CAP);
      truncated = true;
    }
    return new GitDiff(diff.toString(), truncated);
  }

  /**
   * Commits everything ({@code add -A}) and pushes the branch to origin. With {@code branch}, the work moves to that
   * branch first. Nothing to commit is not an error: the branch is still pushed, so an earlier commit whose push
   * failed gets there now.
   */
  public PublishResult publish(String message, String branch) {
    writeLock.lock();
    try {
      requireRepository();
      if (branch != null && !branch.isBlank()) {
        if (!git.run(LOCAL, "check-ref-format", "--branch", branch).ok()) {
          throw DaemonException.invalidField("branch", "is not a valid branch name");
        }
        if (!branch.equals(currentBranch().orElse(null))) {
          check(git.run(LOCAL, "checkout", "--quiet", "-B", branch), "git checkout");
        }
      }
      check(git.run(LOCAL, "add", "--all"), "git add");
      boolean committed = false;
      if (git.run(LOCAL, "diff", "--cached", "--quiet").exitCode() == 1) {
        String text = message == null || message.isBlank() ? DEFAULT_MESSAGE : message;
        check(git.run(LOCAL, "commit", "--quiet", "--no-verify", "-m", text), "git commit");
        committed = true;
      }
      Optional<String> sha = headSha();
      String onBranch = currentBranch().orElseThrow(() -> DaemonException.conflict("detached_head",
          "HEAD is detached: give a branch to publish to", Map.of("field", "branch")));
      if (sha.isEmpty()) {
        return new PublishResult(null, onBranch, false, false);
      }
      GitOutput push = git.run(NETWORK, "push", "--quiet", "--set-upstream", "origin", "HEAD:refs/heads/" + onBranch);
      if (!push.ok()) {
        throw DaemonException.conflict("push_failed", "git push failed: " + lastLines(push.stderr()),
            Map.of("sha", sha.get(), "branch", onBranch, "committed", committed));
      }
      return new PublishResult(sha.get(), onBranch, committed, true);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Throws away uncommitted work: everything (reset to HEAD, remove untracked files; ignored ones such as
   * {@code node_modules} stay), or only the given paths.
   */
  public GitStatus discard(List<String> paths) {
    writeLock.lock();
    try {
      requireRepository();
      boolean hasHead = headSha().isPresent();
      if (paths == null || paths.isEmpty()) {
        if (hasHead) {
          check(git.run(LOCAL, "reset", "--quiet", "--hard", "HEAD"), "git reset");
        } else {
          git.run(LOCAL, "rm", "-r", "--quiet", "--cached", "--ignore-unmatch", ".");
        }
        check(git.run(LOCAL, "clean", "-d", "--force", "--quiet"), "git clean");
      } else {
        List<String> relative = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
          relative.add(root.relative(root.resolveEntry("paths[" + i + "]", paths.get(i))));
        }
        for (String path : relative) {
          discardPath(path, hasHead);
        }
      }
    } finally {
      writeLock.unlock();
    }
    return status();
  }

  private void discardPath(String path, boolean hasHead) {
    if (hasHead) {
      git.run(LOCAL, "reset", "--quiet", "HEAD", "--", path);
      if (!git.run(LOCAL, "ls-tree", "--name-only", "HEAD", "--", path).stdout().isBlank()) {
        check(git.run(LOCAL, "checkout", "--quiet", "HEAD", "--", path), "git checkout");
      }
    } else {
      git.run(LOCAL, "rm", "-r", "--quiet", "--cached", "--ignore-unmatch", "--", path);
    }
    check(git.run(LOCAL, "clean", "-d", "--force", "--quiet", "--", path), "git clean");
  }

  private Optional<String> headSha() {
    GitOutput head = git.run(LOCAL, "rev-parse", "--verify", "--quiet", "HEAD");
    return head.ok() ? Optional.of(head.stdout().strip()) : Optional.empty();
  }

  private Optional<String> currentBranch() {
    GitOutput branch = git.run(LOCAL, "symbolic-ref", "--quiet", "--short", "HEAD");
    return branch.ok() ? Optional.of(branch.stdout().strip()) : Optional.empty();
  }

  private Optional<String> remoteDefaultBranch() {
    GitOutput output = git.run(NETWORK, "ls-remote", "--symref", "origin", "HEAD");
    for (String line : output.stdout().split("\n")) {
      if (line.startsWith("ref: refs/heads/")) {
        return Optional.of(line.substring("ref: refs/heads/".length(), line.indexOf('\t')));
      }
    }
    return Optional.empty();
  }

  private void requireRepository() {
    if (!isRepository()) {
      throw DaemonException.conflict("not_a_repository", "the workspace is not a git repository yet (run setup/clone)", Map.of());
    }
  }

  private static void check(GitOutput output, String what) {
    if (!output.ok()) {
      throw DaemonException.conflict("git_failed", what + " failed (exit " + output.exitCode() + "): " + lastLines(output.stderr()),
          Map.of("exitCode", output.exitCode()));
    }
  }

  private static String lastLines(String text) {
    String trimmed = text.strip();
    return trimmed.length() <= 2000 ? trimmed : trimmed.substring(trimmed.length() - 2000);
  }
}
