package dev.studio.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.daemon.testing.Reply;
import dev.studio.daemon.testing.RunningDaemon;
import dev.studio.daemon.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Through the real API: no path reaches outside the workspace, however it is dressed up. */
class PathConfinementTest {
  @TempDir
  static Path dir;
  static RunningDaemon daemon;
  static Path outside;

  @BeforeAll
  static void start() throws IOException {
    Tools.requireNodeGitBash();
    daemon = RunningDaemon.start(dir);
    outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "top secret");
    Files.createSymbolicLink(daemon.workspace().resolve("leak.txt"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(daemon.workspace().resolve("outdir"), outside);
  }

  @AfterAll
  static void stop() {
    daemon.close();
  }

  @Test
  void dotDotSegmentsAreRefused() {
    assertRefused(daemon.post("/_sandbox/read", Map.of("path", "../outside/secret.txt")), "path", "dot_dot");
    assertRefused(daemon.post("/_sandbox/write", Map.of("path", "a/../../outside/x.txt", "content", "x")), "path", "dot_dot");
    assertRefused(daemon.post("/_sandbox/rename", Map.of("from", "ok.txt", "to", "../escaped.txt")), "to", "dot_dot");
    assertThat(dir.resolve("escaped.txt")).doesNotExist();
  }

  @Test
  void absolutePathsAreRefused() {
    assertRefused(daemon.post("/_sandbox/read", Map.of("path", "/etc/passwd")), "path", "absolute");
    assertRefused(daemon.post("/_sandbox/write", Map.of("path", outside.resolve("x.txt").toString(), "content", "x")), "path", "absolute");
    assertRefused(daemon.post("/_sandbox/grep", Map.of("pattern", "root", "path", "/etc")), "path", "absolute");
    assertThat(daemon.post("/_sandbox/glob", Map.of("pattern", "/etc/*")).status()).isEqualTo(400);
  }

  @Test
  void symlinksThatLeaveTheRootAreRefused() {
    assertRefused(daemon.post("/_sandbox/read", Map.of("path", "leak.txt")), "path", "symlink_escape");
    assertRefused(daemon.post("/_sandbox/read", Map.of("path", "outdir/secret.txt")), "path", "symlink_escape");
    assertRefused(daemon.post("/_sandbox/write", Map.of("path", "outdir/planted.txt", "content", "x")), "path", "symlink_escape");
    assertRefused(daemon.post("/_sandbox/write", Map.of("path", "leak.txt", "content", "overwritten")), "path", "symlink_escape");
    assertRefused(daemon.post("/_sandbox/edit", Map.of("path", "leak.txt", "old", "top", "new", "no")), "path", "symlink_escape");
    assertRefused(daemon.post("/_sandbox/mkdir", Map.of("path", "outdir/newdir")), "path", "symlink_escape");
    assertThat(outside.resolve("planted.txt")).doesNotExist();
    assertThat(outside.resolve("newdir")).doesNotExist();
    assertThat(outside.resolve("secret.txt")).hasContent("top secret");
  }

  @Test
  void grepDoesNotFollowLinksOut() {
    Reply grep = daemon.post("/_sandbox/grep", Map.of("pattern", "top secret"));
    assertThat(grep.status()).isEqualTo(200);
    assertThat(grep.json().path("matches")).isEmpty();
  }

  @Test
  void nulBytesAreRefused() {
    assertRefused(daemon.post("/_sandbox/read", Map.of("path", "file\u0000.txt")), "path", "nul_byte");
    assertRefused(daemon.post("/_sandbox/write", Map.of("path", "a\u0000b", "content", "x")), "path", "nul_byte");
  }

  @Test
  void overlongPathsAreRefused() {
    assertRefused(daemon.post("/_sandbox/write", Map.of("path", "d/".repeat(2100) + "f", "content", "x")), "path", "too_long");
    assertRefused(daemon.post("/_sandbox/write", Map.of("path", "n".repeat(256), "content", "x")), "path", "component_too_long");
  }

  @Test
  void removingAnEscapingLinkRemovesOnlyTheLink() throws IOException {
    Files.createSymbolicLink(daemon.workspace().resolve("to-remove"), outside.resolve("secret.txt"));
    assertThat(daemon.post("/_sandbox/unlink", Map.of("path", "to-remove")).status()).isEqualTo(200);
    assertThat(daemon.workspace().resolve("to-remove")).doesNotExist();
    assertThat(outside.resolve("secret.txt")).hasContent("top secret");
  }

  private static void assertRefused(Reply reply, String field, String reason) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(400);
    assertThat(reply.errorCode()).isEqualTo("invalid_path");
    assertThat(reply.errorField()).isEqualTo(field);
    assertThat(reply.json().path("error").path("details").path("reason").asText()).isEqualTo(reason);
  }
}
