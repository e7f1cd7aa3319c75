package dev.studio.daemon.workspace;

import dev.studio.daemon.DaemonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Lists the workspace files whose relative path matches a glob ({@link GlobPattern#ofPath}). */
public final class GlobService {
  public static final int MAX_PATHS = 5000;

  private final WorkspaceRoot root;

  public GlobService(WorkspaceRoot root) {
    this.root = root;
  }

  public GlobResult glob(String glob) throws IOException {
    if (glob == null || glob.isEmpty()) {
      throw DaemonException.invalidField("pattern", "is required");
    }
    if (glob.startsWith("/")) {
      throw DaemonException.badRequest("invalid_path", "pattern", "must be relative to the workspace root, not absolute");
    }
    if (java.util.Arrays.asList(glob.split("/")).contains("..")) {
      throw DaemonException.badRequest("invalid_path", "pattern", "must not contain '..' segments");
    }
    GlobPattern pattern = GlobPattern.ofPath(glob);
    Path start = root.resolve("pattern", pattern.literalPrefix());
    if (!Files.exists(start, LinkOption.NOFOLLOW_LINKS)) {
      return new GlobResult(List.of(), false);
    }
    List<String> paths = new ArrayList<>();
    boolean[] truncated = {false};
    WorkspaceWalker.walk(start, dir -> true, (file, attributes) -> {
      String relative = root.relative(file);
      if (pattern.matches(relative)) {
        if (paths.size() == MAX_PATHS) {
          truncated[0] = true;
          return false;
        }
        paths.add(relative);
      }
      return true;
    });
    paths.sort(null);
    return new GlobResult(paths, truncated[0]);
  }
}
