package dev.studio.runtime.web;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** The web app's source files, shipped on the classpath under {@code web/}, and the built result. */
public final class WebAssets {
  public static final String ROOT = "web";

  private WebAssets() {}

  /** The built app (hashed asset names), read from the classpath. */
  public static Map<String, WebBuild.Asset> load() throws IOException {
    return WebBuild.build(sources());
  }

  /** Writes the built app into {@code target} (what the web tier's nginx serves); returns how many files. */
  public static int export(Path target) throws IOException {
    var built = load();
    for (var asset : built.values()) {
      Path destination = target.resolve(asset.path());
      Files.createDirectories(destination.getParent());
      Files.write(destination, asset.content());
    }
    return built.size();
  }

  static Map<String, byte[]> sources() throws IOException {
    var location = WebAssets.class.getClassLoader().getResource(ROOT);
    if (location == null) {
      throw new IllegalStateException("this build has no web app (no " + ROOT + "/ on the classpath)");
    }
    try {
      URI uri = location.toURI();
      if (uri.getScheme().equals("jar")) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          return read(jar.getPath(ROOT));
        }
      }
      return read(Path.of(uri));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, byte[]> read(Path root) throws IOException {
    var files = new HashMap<String, byte[]>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
      }
    }
    return files;
  }
}
