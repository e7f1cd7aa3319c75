package dev.studio.daemon.workspace;

import dev.studio.daemon.DaemonException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Searches the workspace's text files for a regular expression, like {@code grep -rn}: binary files (a NUL byte
 * near the start) and {@code .git} are skipped, and the answer stops at {@link #MAX_MATCHES}.
 *
 * <p>Speed comes from doing little per byte: each file is read whole and decoded once (ASCII decodes to a compact
 * Latin-1 string at memory speed), the pattern runs over the whole text rather than line by line, and the files
 * are shared out over all cores.
 */
public final class GrepService implements AutoCloseable {
  public static final int MAX_MATCHES = 1000;
  /** Larger files are skipped: generated bundles and data, not what a search for code wants. */
  static final long MAX_FILE_BYTES = 8L * 1024 * 1024;
  /** How far into a file to look for a NUL byte, as git does to call a file binary. */
  private static final int BINARY_PROBE_BYTES = 8000;

  private final WorkspaceRoot root;
  private final ExecutorService pool;
  private final int workers;

  public GrepService(WorkspaceRoot root) {
    this(root, null, Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  private GrepService(WorkspaceRoot root, ExecutorService pool, int workers) {
    this.root = root;
    this.workers = workers;
    this.pool = pool != null ? pool
        : Executors.newFixedThreadPool(workers, Thread.ofPlatform().name("grep-", 0).daemon(true).factory());
  }

  public GrepResult grep(String regex, String path, String glob) throws IOException, InterruptedException {
    Pattern pattern = compile(regex);
    Path start = root.resolve("path", path == null ? "" : path);
    if (!Files.exists(start, LinkOption.NOFOLLOW_LINKS)) {
      throw DaemonException.notFound("not_found", "path: no such file or directory: " + path, Map.of("field", "path"));
    }
    GlobPattern filter = glob == null || glob.isEmpty() ? null : GlobPattern.ofFilter(glob);
    List<Path> files = new ArrayList<>();
    WorkspaceWalker.walk(start, dir -> true, (file, attributes) -> {
      if (attributes.isRegularFile() && attributes.size() > 0 && attributes.size() <= MAX_FILE_BYTES
          && (filter == null || filter.matches(root.relative(file)))) {
        files.add(file);
      }
      return true;
    });
    return search(new LineMatcher(pattern), files);
  }

  private GrepResult search(LineMatcher matcher, List<Path> files) throws InterruptedException {
    AtomicInteger nextFile = new AtomicInteger();
    AtomicInteger found = new AtomicInteger();
    int parallelism = Math.min(workers, Math.max(1, files.size() / 32));
    List<Future<List<GrepMatch>>> parts = new ArrayList<>(parallelism);
    for (int i = 0; i < parallelism; i++) {
      parts.add(pool.submit(() -> searchShare(matcher, files, nextFile, found)));
    }
    List<GrepMatch> matches = new ArrayList<>();
    for (Future<List<GrepMatch>> part : parts) {
      try {
        matches.addAll(part.get());
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("grep failed", e.getCause());
      }
    }
    matches.sort(Comparator.comparing(GrepMatch::path).thenComparingInt(GrepMatch::line));
    boolean truncated = matches.size() >= MAX_MATCHES;
    return new GrepResult(truncated ? List.copyOf(matches.subList(0, MAX_MATCHES)) : matches, truncated);
  }

  /** One worker: takes the next unsearched file until none is left or enough matches are found. */
  private List<GrepMatch> searchShare(LineMatcher matcher, List<Path> files, AtomicInteger nextFile, AtomicInteger found) {
    List<GrepMatch> matches = new ArrayList<>();
    byte[] buffer = new byte[64 * 1024];
    int index;
    while (found.get() < MAX_MATCHES && (index = nextFile.getAndIncrement()) < files.size()) {
      Path file = files.get(index);
      try {
        int length;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
          length = readFully(in, buffer);
          if (length == buffer.length) {
            byte[] rest = in.readAllBytes();
            buffer = grow(buffer, length + rest.length);
            System.arraycopy(rest, 0, buffer, length, rest.length);
            length += rest.length;
          }
        }
        if (isBinary(buffer, length)) {
          continue;
        }
        String text = new String(buffer, 0, length, StandardCharsets.UTF_8);
        int added = matcher.collect(root.relative(file), text, MAX_MATCHES, matches);
        if (added > 0) {
          found.addAndGet(added);
        }
      } catch (NoSuchFileException e) {
        // Removed while we searched: nothing to report.
      } catch (IOException e) {
        // Unreadable (permissions, a FIFO...): skipped, as grep -s would.
      }
    }
    return matches;
  }

  private static int readFully(InputStream in, byte[] buffer) throws IOException {
    int total = 0;
    int n;
    while (total < buffer.length && (n = in.read(buffer, total, buffer.length - total)) > 0) {
      total += n;
    }
    return total;
  }

  private static byte[] grow(byte[] buffer, int needed) {
    return needed <= buffer.length ? buffer : java.util.Arrays.copyOf(buffer, Integer.highestOneBit(needed) << 1);
  }

  private static boolean isBinary(byte[] bytes, int length) {
    int probe = Math.min(length, BINARY_PROBE_BYTES);
    for (int i = 0; i < probe; i++) {
      if (bytes[i] == 0) {
        return true;
      }
    }
    return false;
  }

  private static Pattern compile(String regex) {
    if (regex == null || regex.isEmpty()) {
      throw DaemonException.invalidField("pattern", "is required");
    }
    try {
      return Pattern.compile(regex, Pattern.MULTILINE | Pattern.UNIX_LINES);
    } catch (PatternSyntaxException e) {
      throw DaemonException.invalidField("pattern", "is not a valid regular expression: " + e.getDescription());
    }
  }

  /**
   * Runs the search code over a small generated tree a number of times, so the JIT has compiled it before the
   * first real search (cold, the first searches of a large tree are several times slower). Meant for a
   * background thread at start-up; it costs about a second of one core.
   */
  public void warmUp() {
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory("grep-warmup");
      StringBuilder text = new StringBuilder();
      for (int line = 0; line < 200; line++) {
        text.append("  const value").append(line).append(" = await handler(request, response); // TODO later\n");
      }
      for (int i = 0; i < 200; i++) {
        Files.writeString(scratch.resolve("file" + i + ".ts"), text);
      }
      WorkspaceRoot scratchRoot = new WorkspaceRoot(scratch);
      List<Path> files = new ArrayList<>();
      WorkspaceWalker.walk(scratchRoot.realRoot(), dir -> true, (file, attributes) -> files.add(file));
      GrepService warm = new GrepService(scratchRoot, pool, workers);
      for (int round = 0; round < 40; round++) {
        warm.search(new LineMatcher(compile("value1[0-9]+ = await")), files);
        warm.search(new LineMatcher(compile("handler\\(request")), files);
        warm.search(new LineMatcher(compile("TODO later")), files);
        files.clear();
        WorkspaceWalker.walk(scratchRoot.realRoot(), dir -> true, (file, attributes) -> files.add(file));
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      // Only an optimisation: searches work the same without it.
    } finally {
      deleteQuietly(scratch);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        Files.deleteIfExists(entry);
      }
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // A temporary directory left behind is harmless.
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
