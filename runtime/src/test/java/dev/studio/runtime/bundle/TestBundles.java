package dev.studio.runtime.bundle;

import dev.studio.bundle.spi.StudioBundle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.ToolProvider;

/**
 * Bundle packages for tests: the examples under {@code examples/bundles} as the operator would
 * package them, and jars compiled from source here (against the SPI alone, as a bundle author's
 * build would), for bundles that are broken on purpose.
 */
public final class TestBundles {
  static final Path EXAMPLES = Path.of("..", "examples", "bundles").toAbsolutePath().normalize();

  private TestBundles() {}

  /** The word-tools example as a JVM bundle package. */
  public static byte[] wordTools() {
    return zip(Map.of("word-tools.jar", jar(wordToolsSources(), wordToolsResources())));
  }

  /** The word-tools example's sources, path to text. */
  public static Map<String, String> wordToolsSources() {
    Map<String, String> sources = new TreeMap<>();
    Path java = EXAMPLES.resolve("word-tools/src/main/java");
    try (Stream<Path> files = Files.walk(java)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        sources.put(java.relativize(file).toString(), Files.readString(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sources;
  }

  /** The word-tools example's resources: its services file. */
  public static Map<String, byte[]> wordToolsResources() {
    String services = "META-INF/services/" + StudioBundle.class.getName();
    return Map.of(services, read(EXAMPLES.resolve("word-tools/src/main/resources/" + services)));
  }

  /** The support-agent example as a declarative bundle package. */
  public static byte[] supportAgent() {
    return zip(Map.of("bundle.yaml", read(EXAMPLES.resolve("support-agent/bundle.yaml"))));
  }

  public static byte[] declarative(String yaml) {
    return zip(Map.of("bundle.yaml", yaml.getBytes(StandardCharsets.UTF_8)));
  }

  /** A JVM bundle package of one class {@code name} (fully qualified) from {@code source}, named in the services file or not. */
  public static byte[] jvm(String name, String source, boolean service) {
    Map<String, byte[]> resources = new TreeMap<>();
    if (service) {
      resources.put("META-INF/services/" + StudioBundle.class.getName(), name.getBytes(StandardCharsets.UTF_8));
    }
    return zip(Map.of("bundle.jar", jar(Map.of(name.replace('.', '/') + ".java", source), resources)));
  }

  /** Compiles sources (path → text) against the SPI into a jar with the resources. */
  public static byte[] jar(Map<String, String> sources, Map<String, byte[]> resources) {
    try {
      Path work = Files.createTempDirectory("bundle-src-");
      Path classes = Files.createDirectories(work.resolve("classes"));
      List<String> files = new ArrayList<>();
      for (var source : sources.entrySet()) {
        Path file = work.resolve("src").resolve(source.getKey());
        Files.createDirectories(file.getParent());
        Files.writeString(file, source.getValue());
        files.add(file.toString());
      }
      String spi = Path.of(StudioBundle.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
      List<String> args = new ArrayList<>(List.of("--release", "21", "-classpath", spi, "-d", classes.toString()));
      args.addAll(files);
      var err = new ByteArrayOutputStream();
      int status = ToolProvider.getSystemJavaCompiler().run(null, null, err, args.toArray(String[]::new));
      if (status != 0) {
        throw new IllegalStateException("the test bundle does not compile:\n" + err);
      }
      Map<String, byte[]> entries = new LinkedHashMap<>(resources);
      try (Stream<Path> built = Files.walk(classes)) {
        for (Path file : built.filter(Files::isRegularFile).toList()) {
          entries.put(classes.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
        }
      }
      return zip(entries);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] zip(Map<String, byte[]> entries) {
    var out = new ByteArrayOutputStream();
    try (var zip = new ZipOutputStream(out)) {
      for (var entry : new TreeMap<>(entries).entrySet()) {
        var e = new ZipEntry(entry.getKey());
        e.setTime(0);
        zip.putNextEntry(e);
        zip.write(entry.getValue());
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
