package dev.studio.operator.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Git sources, read with JGit. Each remote URL has a bare cache repository under
 * {@code <tmp>/studio-operator-git}, fetched into only when a ref points at a commit the cache does
 * not have; a moving ref costs one ls-remote per poll while it stays put. One lock per URL: two
 * Bundles on one repository never fetch into the same cache at once.
 */
public final class GitSources {
  /** Network I/O timeout of a fetch or ls-remote, and the longest wait for another fetch of the same URL. */
  public static final int TIMEOUT_SECONDS = 120;
  /** A bundle bigger than this is refused before it is held in memory and uploaded (the api takes 64 MiB at most). */
  static final long MAX_BYTES = 64L * 1024 * 1024;
  private static final Pattern COMMIT = Pattern.compile("^[0-9a-fA-F]{40}$");
  private static final Pattern USER_INFO = Pattern.compile("://[^/@]+@");

  private final Path cacheRoot;
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  public GitSources(Path cacheRoot) {
    this.cacheRoot = cacheRoot;
  }

  /** Under the JVM's temp dir: the cache is a cache, a restarted operator fetches again. */
  public static GitSources inTempDir() {
    return new GitSources(Path.of(System.getProperty("java.io.tmpdir"), "studio-operator-git"));
  }

  /** A full 40-hex ref names one commit forever; anything else (branch, tag) may move. */
  public static boolean isFixed(String ref) {
    return COMMIT.matcher(ref).matches();
  }

  /** The commit {@code ref} names now, fetched into the cache. */
  public String resolve(String url, String ref) throws SourceUnavailable {
    refuseCacheUrls(url);
    return locked(url, () -> {
      try (Repository repo = cache(url)) {
        if (isFixed(ref)) {
          ObjectId commit = ObjectId.fromString(ref.toLowerCase());
          if (!repo.getObjectDatabase().has(commit)) {
            // Servers need not serve an unadvertised commit: fetch what they advertise.
            fetch(repo, url, new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"));
          }
          if (!repo.getObjectDatabase().has(commit)) {
            throw new SourceUnavailable("commit " + commit.name() + " is on no branch or tag of " + redact(url));
          }
          return commit.name();
        }
        Map<String, Ref> remote = Git.lsRemoteRepository().setRemote(url).setTimeout(TIMEOUT_SECONDS).callAsMap();
        Ref found = null;
        for (String candidate : ref.startsWith("refs/")
            ? new String[] {ref}
            : new String[] {Constants.R_HEADS + ref, Constants.R_TAGS + ref}) {
          found = remote.get(candidate);
          if (found != null) {
            break;
          }
        }
        if (found == null) {
          throw new SourceUnavailable("ref " + ref + " is neither a branch nor a tag of " + redact(url));
        }
        ObjectId target = found.getPeeledObjectId() != null ? found.getPeeledObjectId() : found.getObjectId();
        if (!repo.getObjectDatabase().has(target)) {
          fetch(repo, url, new RefSpec("+" + found.getName() + ":" + found.getName()));
        }
        try (var walk = new RevWalk(repo)) {
          // A lightweight tag may name a tag object whose peeled id the server did not advertise.
          return walk.parseCommit(target).getId().name();
        }
      }
    });
  }

  /**
   * The files of {@code subdir} (the whole tree when blank) at {@code commit}, paths relative to
   * it. Symbolic links and submodules are left out: a link's target is not the bundle's content.
   */
  public Map<String, byte[]> files(String url, String commit, String subdir) throws SourceUnavailable {
    return locked(url, () -> {
      try (Repository repo = cache(url); var walk = new RevWalk(repo)) {
        var tree = walk.parseCommit(ObjectId.fromString(commit)).getTree();
        ObjectId root = tree.getId();
        String dir = subdir == null ? "" : subdir.replaceAll("^/+|/+$", "");
        if (!dir.isEmpty()) {
          try (var at = TreeWalk.forPath(repo, dir, tree)) {
            if (at == null || !FileMode.TREE.equals(at.getFileMode(0))) {
              throw new SourceUnavailable("directory " + dir + " does not exist at commit " + commit + " of " + redact(url));
            }
            root = at.getObjectId(0);
          }
        }
        Map<String, byte[]> files = new TreeMap<>();
        long total = 0;
        try (var tw = new TreeWalk(repo)) {
          tw.addTree(root);
          tw.setRecursive(true);
          while (tw.next()) {
            FileMode mode = tw.getFileMode(0);
            if (!FileMode.REGULAR_FILE.equals(mode) && !FileMode.EXECUTABLE_FILE.equals(mode)) {
              continue;
            }
            byte[] content = repo.open(tw.getObjectId(0)).getBytes(Integer.MAX_VALUE - 8);
            total += content.length;
            if (total > MAX_BYTES) {
              throw new SourceUnavailable("the bundle at " + redact(url) + " is larger than " + (MAX_BYTES >> 20) + " MiB");
            }
            files.put(tw.getPathString(), content);
          }
        }
        if (files.isEmpty()) {
          throw new SourceUnavailable("no files in " + (dir.isEmpty() ? "the repository" : dir) + " at commit " + commit);
        }
        return files;
      } catch (MissingObjectException e) {
        throw new SourceUnavailable("commit " + commit + " is not in the cache of " + redact(url) + " (resolve it first)", e);
      }
    });
  }

  /**
   * A {@code file:} URL into the cache itself would let one Bundle package another's repository
   * (perhaps a private one, of another namespace), so it is refused; other local paths are allowed
   * for development and tests, where they are the only git server there is.
   */
  private void refuseCacheUrls(String url) throws SourceUnavailable {
    if (!url.startsWith("file:")) {
      return;
    }
    try {
      Path target = Path.of(java.net.URI.create(url)).normalize();
      Path real = Files.exists(target) ? target.toRealPath() : target;
      Path root = Files.exists(cacheRoot) ? cacheRoot.toRealPath() : cacheRoot.toAbsolutePath().normalize();
      if (real.startsWith(root)) {
        throw new SourceUnavailable("git url " + url + " points into the operator's own cache");
      }
    } catch (IllegalArgumentException | IOException e) {
      throw new SourceUnavailable("git url " + redact(url) + " is not a usable file URL: " + e.getMessage());
    }
  }

  /** The URL without user info, for messages: a token in a clone URL must not reach status or events. */
  static String redact(String url) {
    return USER_INFO.matcher(url).replaceFirst("://***@");
  }

  private interface GitWork<T> {
    T run() throws IOException, GitAPIException, SourceUnavailable;
  }

  private <T> T locked(String url, GitWork<T> work) throws SourceUnavailable {
    var lock = locks.computeIfAbsent(url, u -> new ReentrantLock());
    try {
      if (!lock.tryLock(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new SourceUnavailable("another fetch of " + redact(url) + " has been running for " + TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceUnavailable("interrupted while waiting to fetch " + redact(url));
    }
    try {
      return work.run();
    } catch (IOException | GitAPIException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace(url, redact(url));
      throw new SourceUnavailable("git " + redact(url) + ": " + message, e);
    } finally {
      lock.unlock();
    }
  }

  private Repository cache(String url) throws IOException {
    Path dir = cacheRoot.resolve(Packager.sha256(url.getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 24) + ".git");
    Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
    if (!Files.exists(dir.resolve("objects"))) {
      Files.createDirectories(cacheRoot);
      repo.create(true);
    }
    return repo;
  }

  private static void fetch(Repository repo, String url, RefSpec... specs) throws GitAPIException {
    try (var git = Git.wrap(repo)) {
      git.fetch().setRemote(url).setRefSpecs(specs).setTimeout(TIMEOUT_SECONDS).setCheckFetchedObjects(true).call();
    }
  }
}
