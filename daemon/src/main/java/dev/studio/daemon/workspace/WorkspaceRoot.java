package dev.studio.daemon.workspace;

import dev.studio.daemon.workspace.PathRefusedException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Confines the paths clients give to the workspace root.
 *
 * <p>A path is first checked as text (relative, no {@code ..} segment, no NUL byte, not over-long), then resolved
 * component by component the way the kernel would, following every symbolic link that already exists, including
 * dangling ones and links inside links. The physical location it reaches must be inside the root's real path;
 * the caller then works on that physical path, so a link cannot redirect the operation afterwards.
 */
public final class WorkspaceRoot {
  /** Linux's PATH_MAX and NAME_MAX, in bytes. */
  static final int MAX_PATH_BYTES = 4096;
  static final int MAX_COMPONENT_BYTES = 255;
  /** The kernel's limit on links followed while resolving one path (MAXSYMLINKS). */
  private static final int MAX_LINK_HOPS = 40;

  private final Path realRoot;

  public WorkspaceRoot(Path root) {
    try {
      this.realRoot = root.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("workspace root is not accessible: " + root, e);
    }
  }

  public Path realRoot() {
    return realRoot;
  }

  /**
   * The physical path for reading or writing {@code raw}, following links in every component.
   * The empty path and {@code "."} mean the root itself.
   */
  public Path resolve(String field, String raw) {
    return confine(field, components(field, raw), true);
  }

  /**
   * The physical path of the directory entry {@code raw} names, not following a link in its last component:
   * for removing or renaming the entry itself. The root itself is refused.
   */
  public Path resolveEntry(String field, String raw) {
    List<String> components = components(field, raw);
    if (components.isEmpty()) {
      throw new PathRefusedException(field, Reason.ROOT, "the workspace root itself cannot be removed or renamed");
    }
    return confine(field, components, false);
  }

  /** The path of {@code physical} relative to the root, with '/' separators; "" for the root. */
  public String relative(Path physical) {
    Path relative = realRoot.relativize(physical);
    String text = relative.toString();
    return java.io.File.separatorChar == '/' ? text : text.replace(java.io.File.separatorChar, '/');
  }

  /** Checks {@code raw} as text and splits it into its components, dropping empty and "." ones. */
  static List<String> components(String field, String raw) {
    if (raw == null) {
      throw new PathRefusedException(field, Reason.EMPTY, "is required");
    }
    if (raw.indexOf('\0') >= 0) {
      throw new PathRefusedException(field, Reason.NUL_BYTE, "must not contain a NUL byte");
    }
    if (raw.startsWith("/")) {
      throw new PathRefusedException(field, Reason.ABSOLUTE, "must be relative to the workspace root, not absolute");
    }
    if (raw.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw new PathRefusedException(field, Reason.TOO_LONG, "is longer than " + MAX_PATH_BYTES + " bytes");
    }
    List<String> components = new ArrayList<>();
    for (String component : raw.split("/")) {
      if (component.isEmpty() || component.equals(".")) {
        continue;
      }
      if (component.equals("..")) {
        throw new PathRefusedException(field, Reason.DOT_DOT, "must not contain '..' segments");
      }
      if (component.getBytes(StandardCharsets.UTF_8).length > MAX_COMPONENT_BYTES) {
        throw new PathRefusedException(field, Reason.COMPONENT_TOO_LONG,
            "has a component longer than " + MAX_COMPONENT_BYTES + " bytes");
      }
      components.add(component);
    }
    return components;
  }

  private Path confine(String field, List<String> components, boolean followLast) {
    Deque<String> pending = new ArrayDeque<>(components);
    Path current = realRoot;
    int hops = 0;
    while (!pending.isEmpty()) {
      String name = pending.removeFirst();
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        // Only link targets bring '..' here; current is already physical, so its parent is the real one.
        current = current.getParent() == null ? current : current.getParent();
        continue;
      }
      Path next = current.resolve(name);
      boolean last = pending.isEmpty();
      if ((followLast || !last) && Files.isSymbolicLink(next)) {
        if (++hops > MAX_LINK_HOPS) {
          throw new PathRefusedException(field, Reason.SYMLINK_LOOP, "has too many levels of symbolic links");
        }
        Path target = readLink(field, next);
        if (target.isAbsolute()) {
          current = target.getRoot();
        }
        List<String> targetComponents = new ArrayList<>();
        target.forEach(part -> targetComponents.add(part.toString()));
        for (int i = targetComponents.size() - 1; i >= 0; i--) {
          pending.addFirst(targetComponents.get(i));
        }
        continue;
      }
      current = next;
    }
    if (!current.startsWith(realRoot)) {
      throw new PathRefusedException(field, Reason.SYMLINK_ESCAPE, "resolves through a symbolic link to outside the workspace");
    }
    return current;
  }

  private static Path readLink(String field, Path link) {
    try {
      return Files.readSymbolicLink(link);
    } catch (IOException e) {
      throw new PathRefusedException(field, Reason.SYMLINK_ESCAPE, "has a symbolic link that cannot be read");
    }
  }
}
