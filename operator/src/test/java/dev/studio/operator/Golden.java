package dev.studio.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files: the exact manifest a builder makes, checked in under {@code
 * src/test/resources/golden/} where a reviewer reads what the operator writes to the cluster.
 * {@code -Dgolden.update=true} rewrites them after an intended change.
 */
public final class Golden {
  static final Path DIR = Path.of("src/test/resources/golden");

  private Golden() {}

  public static void assertMatches(String name, Object manifest) {
    String actual = Serialization.asYaml(manifest);
    Path file = DIR.resolve(name + ".yaml");
    try {
      if (Boolean.getBoolean("golden.update") || !Files.exists(file)) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual);
        if (!Boolean.getBoolean("golden.update")) {
          throw new AssertionError("wrote the missing golden file " + file + "; check it and run again");
        }
      }
      assertThat(actual).as("%s differs from %s (run with -Dgolden.update=true after an intended change)", name, file)
          .isEqualTo(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
