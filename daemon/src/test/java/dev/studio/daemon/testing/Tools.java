package dev.studio.daemon.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** The daemon's tests run real programs; they say so clearly when one is missing instead of failing obscurely. */
public final class Tools {
  private Tools() {
  }

  public static void requireNodeGitBash() {
    require("node", "Node.js 20 or later (it runs the fixture dev server)");
    require("git", "git (the daemon clones, commits and pushes with it)");
    require("bash", "bash (the daemon runs commands with bash -lc)");
  }

  public static void require(String program, String what) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (Files.isExecutable(Path.of(dir, program))) {
          return;
        }
      }
    }
    throw new AssertionError("'" + program + "' was not found on PATH; these tests need " + what + ".");
  }
}
