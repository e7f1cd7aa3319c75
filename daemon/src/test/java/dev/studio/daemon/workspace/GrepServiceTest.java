package dev.studio.daemon.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.studio.daemon.DaemonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrepServiceTest {
  @TempDir
  Path root;
  GrepService grep;

  @BeforeEach
  void setUp() {
    grep = new GrepService(new WorkspaceRoot(root));
  }

  @AfterEach
  void tearDown() {
    grep.close();
  }

  @Test
  void findsMatchingLinesWithTheirNumbers() throws Exception {
    write("src/a.js", "const one = 1;\nfunction hello() {}\n// hello again\n");
    write("src/b.txt", "nothing here\n");
    GrepResult result = grep.grep("hello", null, null);
    assertThat(result.matches()).containsExactly(
        new GrepMatch("src/a.js", 2, "function hello() {}"),
        new GrepMatch("src/a.js", 3, "// hello again"));
    assertThat(result.truncated()).isFalse();
  }

  @Test
  void aMatchNeverSpansLines() throws Exception {
    write("a.txt", "foo\nbar\nfoo bar\n");
    assertThat(grep.grep("foo\\s+bar", null, null).matches()).containsExactly(new GrepMatch("a.txt", 3, "foo bar"));
    assertThat(grep.grep("^bar$", null, null).matches()).containsExactly(new GrepMatch("a.txt", 2, "bar"));
    assertThat(grep.grep("o[^x]*b", null, null).matches()).containsExactly(new GrepMatch("a.txt", 3, "foo bar"));
  }

  @Test
  void skipsBinaryFilesAndTheGitDirectory() throws Exception {
    write("text.txt", "needle\n");
    write(".git/config", "needle\n");
    Files.write(root.resolve("image.bin"), new byte[] {'n', 'e', 'e', 'd', 'l', 'e', 0, 1, 2});
    assertThat(grep.grep("needle", null, null).matches()).extracting(GrepMatch::path).containsExactly("text.txt");
  }

  @Test
  void narrowsByPathAndGlob() throws Exception {
    write("src/a.ts", "x\n");
    write("src/b.js", "x\n");
    write("test/c.ts", "x\n");
    assertThat(grep.grep("x", "src", null).matches()).extracting(GrepMatch::path).containsExactly("src/a.ts", "src/b.js");
    assertThat(grep.grep("x", null, "*.ts").matches()).extracting(GrepMatch::path).containsExactly("src/a.ts", "test/c.ts");
    assertThat(grep.grep("x", "src/b.js", null).matches()).extracting(GrepMatch::path).containsExactly("src/b.js");
  }

  @Test
  void stopsAtTheCapAndSaysSo() throws Exception {
    write("many.txt", "hit\n".repeat(GrepService.MAX_MATCHES + 50));
    GrepResult result = grep.grep("hit", null, null);
    assertThat(result.matches()).hasSize(GrepService.MAX_MATCHES);
    assertThat(result.truncated()).isTrue();
  }

  @Test
  void searchesManyFilesOnAllCores() throws Exception {
    for (int i = 0; i < 500; i++) {
      write("dir" + (i % 10) + "/file" + i + ".txt", "line one\nmarker " + i + "\n");
    }
    GrepResult result = grep.grep("marker \\d+", null, null);
    assertThat(result.matches()).hasSize(500).allSatisfy(match -> assertThat(match.line()).isEqualTo(2));
    assertThat(result.matches()).isSortedAccordingTo(java.util.Comparator.comparing(GrepMatch::path));
  }

  @Test
  void doesNotReadThroughSymlinks() throws Exception {
    Path outside = Files.createTempFile("outside", ".txt");
    Files.writeString(outside, "needle outside\n");
    Files.createSymbolicLink(root.resolve("link.txt"), outside);
    assertThat(grep.grep("needle", null, null).matches()).isEmpty();
    Files.delete(outside);
  }

  @Test
  void anInvalidPatternNamesTheField() {
    assertThatThrownBy(() -> grep.grep("(unclosed", null, null))
        .isInstanceOfSatisfying(DaemonException.class, e -> assertThat(e.details()).containsEntry("field", "pattern"));
  }

  private void write(String path, String content) throws IOException {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
