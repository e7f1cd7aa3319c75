package dev.studio.daemon.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * A local bare repository holding the fixture app (src/test/resources/fixture-app) on branch {@code main}: what the
 * daemon clones in the tests, and where its publishes must land.
 */
public final class FixtureRepo {
  private final Path bare;

  private FixtureRepo(Path bare) {
    this.bare = bare;
  }

  public static FixtureRepo create(Path dir) {
    try {
      Path seed = Files.createDirectories(dir.resolve("seed"));
      copyFixture(seed);
      Git.run(seed, "init", "--quiet");
      Git.run(seed, "add", "--all");
      Git.run(seed, "commit", "--quiet", "-m", "Fixture app");
      Path bare = dir.resolve("origin.git");
      Git.run(dir, "clone", "--quiet", "--bare", seed.toString(), bare.toString());
      return new FixtureRepo(bare);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The URL the daemon clones from. */
  public String url() {
    return bare.toUri().toString();
  }

  public Path bare() {
    return bare;
  }

  /** {@code git log -1} of a branch in the bare repository: "sha subject". */
  public String lastCommit(String branch) {
    return Git.run(bare, "log", "-1", "--format=%H %s", branch);
  }

  /** A file's content on a branch of the bare repository. */
  public String fileAt(String branch, String path) {
    return Git.run(bare, "show", branch + ":" + path);
  }

  private static void copyFixture(Path target) throws IOException {
    Path source;
    try {
      source = Path.of(FixtureRepo.class.getResource("/fixture-app/server.js").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path destination = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(destination);
        } else {
          Files.copy(file, destination, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
