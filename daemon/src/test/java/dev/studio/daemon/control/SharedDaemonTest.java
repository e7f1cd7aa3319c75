package dev.studio.daemon.control;

import dev.studio.daemon.testing.RunningDaemon;
import dev.studio.daemon.testing.Tools;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class whose tests share one daemon, started on a directory of the class's own (test
 * classes run one after another, so the static fields are one class's at a time).
 */
abstract class SharedDaemonTest {
  @TempDir
  static Path dir;
  static RunningDaemon daemon;

  @BeforeAll
  static void startDaemon() {
    Tools.requireNodeGitBash();
    daemon = RunningDaemon.start(dir);
  }

  @AfterAll
  static void stopDaemon() {
    daemon.close();
  }
}
