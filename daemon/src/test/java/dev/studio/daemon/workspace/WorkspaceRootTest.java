package dev.studio.daemon.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.studio.daemon.workspace.PathRefusedException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceRootTest {
  @TempDir
  Path dir;
  Path root;
  Path outside;
  WorkspaceRoot workspace;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(dir.resolve("workspace")).toRealPath();
    outside = Files.createDirectories(dir.resolve("outside")).toRealPath();
    Files.writeString(outside.resolve("secret.txt"), "secret");
    workspace = new WorkspaceRoot(root);
  }

  @Test
  void resolvesOrdinaryPathsInsideTheRoot() {
    assertThat(workspace.resolve("path", "src/app.js")).isEqualTo(root.resolve("src/app.js"));
    assertThat(workspace.resolve("path", "./src//app.js")).isEqualTo(root.resolve("src/app.js"));
    assertThat(workspace.resolve("path", "")).isEqualTo(root);
    assertThat(workspace.relative(root.resolve("src/app.js"))).isEqualTo("src/app.js");
  }

  @Test
  void refusesDotDotSegments() {
    assertRefused("../outside/secret.txt", Reason.DOT_DOT);
    assertRefused("src/../../x", Reason.DOT_DOT);
    assertRefused("..", Reason.DOT_DOT);
  }

  @Test
  void acceptsNamesThatMerelyContainDots() {
    assertThat(workspace.resolve("path", "a..b/..c")).isEqualTo(root.resolve("a..b/..c"));
  }

  @Test
  void refusesAbsolutePathsNulBytesAndOverlongPaths() {
    assertRefused("/etc/passwd", Reason.ABSOLUTE);
    assertRefused("file\0.txt", Reason.NUL_BYTE);
    assertRefused("a/".repeat(2100), Reason.TOO_LONG);
    assertRefused("x".repeat(256), Reason.COMPONENT_TOO_LONG);
    assertRefused("dir/" + "é".repeat(128), Reason.COMPONENT_TOO_LONG);
    assertThat(workspace.resolve("path", "x".repeat(255))).isEqualTo(root.resolve("x".repeat(255)));
  }

  @Test
  void refusesASymlinkThatLeavesTheRoot() throws IOException {
    Files.createSymbolicLink(root.resolve("leak.txt"), outside.resolve("secret.txt"));
    assertRefused("leak.txt", Reason.SYMLINK_ESCAPE);
  }

  @Test
  void refusesWritingThroughADirectoryLinkThatLeavesTheRoot() throws IOException {
    Files.createSymbolicLink(root.resolve("out"), outside);
    assertRefused("out/new/file.txt", Reason.SYMLINK_ESCAPE);
  }

  @Test
  void refusesADanglingLinkWhoseTargetWouldBeOutside() throws IOException {
    Files.createSymbolicLink(root.resolve("dangling"), outside.resolve("not-yet-there.txt"));
    assertRefused("dangling", Reason.SYMLINK_ESCAPE);
  }

  @Test
  void refusesRelativeLinksClimbingOutAndLinkChains() throws IOException {
    Files.createDirectories(root.resolve("a"));
    Files.createSymbolicLink(root.resolve("a/up"), Path.of("../../outside"));
    Files.createSymbolicLink(root.resolve("hop"), Path.of("a/up"));
    assertRefused("a/up/secret.txt", Reason.SYMLINK_ESCAPE);
    assertRefused("hop/secret.txt", Reason.SYMLINK_ESCAPE);
  }

  @Test
  void followsLinksThatStayInside() throws IOException {
    Files.createDirectories(root.resolve("real/dir"));
    Files.createSymbolicLink(root.resolve("alias"), Path.of("real/dir"));
    Files.createSymbolicLink(root.resolve("absolute-alias"), root.resolve("real"));
    assertThat(workspace.resolve("path", "alias/file.txt")).isEqualTo(root.resolve("real/dir/file.txt"));
    assertThat(workspace.resolve("path", "absolute-alias/dir")).isEqualTo(root.resolve("real/dir"));
  }

  @Test
  void refusesLinkLoops() throws IOException {
    Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
    assertRefused("loop/x", Reason.SYMLINK_LOOP);
  }

  @Test
  void anEntryIsTheLinkItselfSoAnEscapingLinkCanBeRemoved() throws IOException {
    Files.createSymbolicLink(root.resolve("leak"), outside);
    assertThat(workspace.resolveEntry("path", "leak")).isEqualTo(root.resolve("leak"));
    assertThatThrownBy(() -> workspace.resolveEntry("path", "leak/secret.txt"))
        .isInstanceOf(PathRefusedException.class);
    assertThatThrownBy(() -> workspace.resolveEntry("path", ""))
        .isInstanceOfSatisfying(PathRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.ROOT));
  }

  private void assertRefused(String path, Reason reason) {
    assertThatThrownBy(() -> workspace.resolve("path", path))
        .isInstanceOfSatisfying(PathRefusedException.class, e -> {
          assertThat(e.reason()).isEqualTo(reason);
          assertThat(e.field()).isEqualTo("path");
        });
  }
}
