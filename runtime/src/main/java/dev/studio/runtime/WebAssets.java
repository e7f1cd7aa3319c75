package dev.studio.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;

/** The web app's built files, shipped on the classpath under {@code web/}. */
public final class WebAssets {
  public static final String ROOT = "web";

  private WebAssets() {}

  /** Copies every web file into {@code target}; returns how many. */
  public static int export(Path target) throws IOException {
    var location = WebAssets.class.getClassLoader().getResource(ROOT);
    if (location == null) {
      throw new IllegalStateException("this build has no web app (no " + ROOT + "/ on the classpath)");
    }
    try {
      URI uri = location.toURI();
      if (uri.getScheme().equals("jar")) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          return copyTree(jar.getPath(ROOT), target);
        }
      }
      return copyTree(Path.of(uri), target);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int copyTree(Path source, Path target) throws IOException {
    Files.createDirectories(target);
    int[] count = {0};
    try (Stream<Path> files = Files.walk(source)) {
      files.filter(Files::isRegularFile).forEach(file -> {
        Path destination = target.resolve(source.relativize(file).toString());
        try (InputStream in = Files.newInputStream(file)) {
          Files.createDirectories(destination.getParent());
          Files.copy(in, destination, StandardCopyOption.REPLACE_EXISTING);
          count[0]++;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    return count[0];
  }
}
