package dev.studio.daemon.workspace;

import dev.studio.daemon.DaemonException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/** The files API: read, write, edit, unlink, mkdir and rename, all confined to the workspace. */
public final class FileService {
  /** Files larger than this are not read through the API (its JSON body would be huge). */
  public static final long MAX_READ_BYTES = 16L * 1024 * 1024;

  private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");

  private final WorkspaceRoot root;
  private final Consumer<FileChange> changes;

  public FileService(WorkspaceRoot root, Consumer<FileChange> changes) {
    this.root = root;
    this.changes = changes;
  }

  public FileContent read(String path) throws IOException {
    Path file = existingFile("path", path);
    long size = Files.size(file);
    if (size > MAX_READ_BYTES) {
      throw DaemonException.tooLarge("path: the file has " + size + " bytes, more than can be read through the API",
          MAX_READ_BYTES);
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readAllBytes();
    }
    String relative = root.relative(file);
    return Utf8.decodeStrict(bytes)
        .map(text -> new FileContent(relative, text, FileContent.UTF8))
        .orElseGet(() -> new FileContent(relative, Base64.getEncoder().encodeToString(bytes), FileContent.BASE64));
  }

  /** Writes the whole file, creating parent directories; the file is replaced atomically. */
  public long write(String path, String content, String encoding) throws IOException {
    byte[] bytes = decode(content, encoding);
    Path file = root.resolve("path", path);
    if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
      throw DaemonException.badRequest("is_directory", "path", "is a directory");
    }
    replaceAtomically(file, bytes);
    changes.accept(FileChange.of("write", root.relative(file)));
    return bytes.length;
  }

  /** Replaces the one occurrence of {@code oldText}; refused when it occurs zero or several times. */
  public long edit(String path, String oldText, String newText) throws IOException {
    if (oldText.isEmpty()) {
      throw DaemonException.invalidField("old", "must not be empty");
    }
    Path file = existingFile("path", path);
    byte[] bytes = Files.readAllBytes(file);
    String text = Utf8.decodeStrict(bytes)
        .orElseThrow(() -> DaemonException.badRequest("not_text", "path", "is not UTF-8 text"));
    int first = text.indexOf(oldText);
    if (first < 0) {
      throw DaemonException.conflict("no_match", "old: the text does not occur in the file",
          Map.of("field", "old", "occurrences", 0));
    }
    int occurrences = countOccurrences(text, oldText, first);
    if (occurrences > 1) {
      throw DaemonException.conflict("ambiguous_match",
          "old: the text occurs " + occurrences + " times; give more context so it occurs once",
          Map.of("field", "old", "occurrences", occurrences));
    }
    String edited = text.substring(0, first) + newText + text.substring(first + oldText.length());
    byte[] out = edited.getBytes(StandardCharsets.UTF_8);
    replaceAtomically(file, out);
    changes.accept(FileChange.of("edit", root.relative(file)));
    return out.length;
  }

  /** Removes a file, a link (not its target) or a directory with everything in it. */
  public void unlink(String path) throws IOException {
    Path entry = root.resolveEntry("path", path);
    if (!Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
      throw notFound("path", path);
    }
    if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(entry);
    } else {
      Files.delete(entry);
    }
    changes.accept(FileChange.of("unlink", root.relative(entry)));
  }

  public void mkdir(String path) throws IOException {
    Path dir = root.resolve("path", path);
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw DaemonException.conflict("not_a_directory", "path: a file with that name exists", Map.of("field", "path"));
    }
    Files.createDirectories(dir);
    changes.accept(FileChange.of("mkdir", root.relative(dir)));
  }

  /** Moves an entry like rename(2): an existing file at {@code to} is replaced, a non-empty directory is not. */
  public void rename(String from, String to) throws IOException {
    Path source = root.resolveEntry("from", from);
    Path target = root.resolveEntry("to", to);
    if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
      throw notFound("from", from);
    }
    if (target.startsWith(source) && !target.equals(source)) {
      throw DaemonException.badRequest("invalid_request", "to", "is inside the directory being moved");
    }
    Files.createDirectories(target.getParent());
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Another file system (an org-fs volume, say): a plain move works for files and empty directories.
      Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (DirectoryNotEmptyException | FileAlreadyExistsException e) {
      throw DaemonException.conflict("exists", "to: a non-empty directory is in the way", Map.of("field", "to"));
    }
    changes.accept(new FileChange("rename", root.relative(target), root.relative(source)));
  }

  private Path existingFile(String field, String path) {
    Path file = root.resolve(field, path);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw notFound(field, path);
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw DaemonException.badRequest("not_a_file", field, "is not a regular file");
    }
    return file;
  }

  private static DaemonException notFound(String field, String path) {
    return DaemonException.notFound("not_found", field + ": no such file or directory: " + path, Map.of("field", field));
  }

  private static byte[] decode(String content, String encoding) {
    if (encoding == null || encoding.equals(FileContent.UTF8)) {
      return content.getBytes(StandardCharsets.UTF_8);
    }
    if (encoding.equals(FileContent.BASE64)) {
      try {
        // Line breaks are tolerated (base64 tools wrap lines); anything else outside the alphabet is an error.
        return Base64.getDecoder().decode(WHITESPACE.matcher(content).replaceAll(""));
      } catch (IllegalArgumentException e) {
        throw DaemonException.invalidField("content", "is not valid base64");
      }
    }
    throw DaemonException.invalidField("encoding", "must be \"utf8\" or \"base64\"");
  }

  private static int countOccurrences(String text, String needle, int first) {
    int count = 0;
    for (int at = first; at >= 0; at = text.indexOf(needle, at + 1)) {
      count++;
    }
    return count;
  }

  /**
   * Writes to a temporary file beside the target and renames it over the target, so a dev server watching the
   * file never reads half of it. The target's permissions (an executable bit, say) are kept.
   */
  private static void replaceAtomically(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    Path temp = file.resolveSibling("." + file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        out.write(bytes);
      }
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        copyPermissions(file, temp);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void copyPermissions(Path from, Path to) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(from, LinkOption.NOFOLLOW_LINKS);
      Files.setPosixFilePermissions(to, permissions);
    } catch (UnsupportedOperationException | IOException e) {
      // Not a POSIX file system: the new file keeps default permissions.
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null && !(e instanceof NoSuchFileException)) {
          throw e;
        }
        Files.deleteIfExists(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
