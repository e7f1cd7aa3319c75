package dev.studio.runtime.bundle;

import dev.studio.bundle.spi.BundleContext;
import dev.studio.bundle.spi.StudioBundle;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads an unpacked revision of either kind. Whatever is wrong with it comes out as an {@link
 * InvalidBundle} whose message says what, for the Bundle's status; nothing is left loaded then.
 */
public final class BundleLoader {
  private final Set<String> knownTools;

  /** @param knownTools the tool names a bundle.yaml may ask for */
  public BundleLoader(Set<String> knownTools) {
    this.knownTools = Set.copyOf(knownTools);
  }

  public LoadedBundle load(BundleRecord.Kind kind, Path dir, BundleContext context) throws InvalidBundle {
    return switch (kind) {
      case Declarative -> new DeclarativeBundle(context.name(), context.revision(),
          definition(dir).orElseThrow(() -> new InvalidBundle("a Declarative bundle needs a " + BundleDefinition.FILE + " at its root")));
      case Jvm -> jvm(dir, context);
    };
  }

  private Optional<BundleDefinition> definition(Path dir) throws InvalidBundle {
    Path file = dir.resolve(BundleDefinition.FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(BundleDefinition.parse(Files.readString(file, StandardCharsets.UTF_8), knownTools));
    } catch (IOException e) {
      throw new InvalidBundle(BundleDefinition.FILE + " cannot be read: " + e.getMessage(), e);
    }
  }

  private JvmBundle jvm(Path dir, BundleContext context) throws InvalidBundle {
    var definition = definition(dir);
    var loader = new BundleClassLoader("bundle-" + context.name() + "-" + context.revision(), jars(dir), getClass().getClassLoader());
    try {
      var providers = ServiceLoader.load(StudioBundle.class, loader).stream().toList();
      if (providers.isEmpty()) {
        throw new InvalidBundle("the jar implements no bundle SPI: it needs META-INF/services/" + StudioBundle.class.getName()
            + " naming its " + StudioBundle.class.getSimpleName() + " class");
      }
      if (providers.size() > 1) {
        throw new InvalidBundle("the jar names " + providers.size() + " " + StudioBundle.class.getSimpleName()
            + " classes; a bundle has exactly one");
      }
      String className = providers.get(0).type().getName();
      StudioBundle instance = JvmBundle.inLoader(loader, () -> providers.get(0).get());
      try {
        JvmBundle.inLoader(loader, () -> {
          instance.start(context);
          return null;
        });
      } catch (Exception e) {
        throw new InvalidBundle(className + ".start failed: " + describe(e), e);
      }
      return new JvmBundle(context.name(), context.revision(), loader, instance, definition);
    } catch (InvalidBundle e) {
      closeQuietly(loader);
      throw e;
    } catch (ServiceConfigurationError | LinkageError e) {
      closeQuietly(loader);
      throw new InvalidBundle("the bundle's class does not load: " + describe(e), e);
    } catch (Exception e) {
      closeQuietly(loader);
      throw new InvalidBundle("the bundle does not load: " + describe(e), e);
    }
  }

  /** The jars at the package's root, then those under lib/. */
  private static URL[] jars(Path dir) throws InvalidBundle {
    List<Path> root = list(dir);
    if (root.isEmpty()) {
      throw new InvalidBundle("a Jvm bundle needs its jar at the root of its package; there is none");
    }
    List<Path> all = new ArrayList<>(root);
    all.addAll(list(dir.resolve("lib")));
    List<URL> urls = new ArrayList<>();
    for (Path jar : all) {
      try {
        urls.add(jar.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new InvalidBundle("bad jar path " + jar.getFileName(), e);
      }
    }
    return urls.toArray(URL[]::new);
  }

  private static List<Path> list(Path dir) throws InvalidBundle {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)).sorted().toList();
    } catch (IOException e) {
      throw new InvalidBundle("cannot list the package: " + e.getMessage(), e);
    }
  }

  /** The innermost cause says what went wrong: the class that threw, and its message. */
  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    String what = root.getClass().getName() + (message == null ? "" : ": " + message);
    return root == e ? what : describeTop(e) + " (" + what + ")";
  }

  private static String describeTop(Throwable e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }

  private static void closeQuietly(BundleClassLoader loader) {
    try {
      loader.close();
    } catch (IOException ignored) {
      // Nothing more to release.
    }
  }
}
