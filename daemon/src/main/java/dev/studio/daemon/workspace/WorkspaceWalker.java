package dev.studio.daemon.workspace;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Predicate;

/**
 * Walks a directory of the workspace for grep and glob: never into {@code .git}, never through a symbolic link
 * (a link is listed as a name, its target is not read), and quietly past entries it may not read.
 */
final class WorkspaceWalker {
  /** What the walk hands on for each regular file or link. */
  interface Visitor {
    /** @return false to stop the walk */
    boolean visit(Path file, BasicFileAttributes attributes);
  }

  private WorkspaceWalker() {
  }

  static void walk(Path start, Predicate<Path> enterDirectory, Visitor visitor) throws IOException {
    if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
      BasicFileAttributes attributes = Files.readAttributes(start, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      visitor.visit(start, attributes);
      return;
    }
    Files.walkFileTree(start, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
        if (!dir.equals(start) && (dir.getFileName().toString().equals(".git") || !enterDirectory.test(dir))) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
        return visitor.visit(file, attributes) ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
