package dev.studio.daemon.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobPatternTest {
  @Test
  void starStaysWithinOneComponent() {
    GlobPattern glob = GlobPattern.ofPath("src/*.ts");
    assertThat(glob.matches("src/a.ts")).isTrue();
    assertThat(glob.matches("src/deep/a.ts")).isFalse();
    assertThat(glob.matches("a.ts")).isFalse();
  }

  @Test
  void doubleStarSlashMatchesAnyDepthIncludingNone() {
    GlobPattern glob = GlobPattern.ofPath("src/**/*.ts");
    assertThat(glob.matches("src/a.ts")).isTrue();
    assertThat(glob.matches("src/x/y/a.ts")).isTrue();
    assertThat(glob.matches("lib/a.ts")).isFalse();
    assertThat(GlobPattern.ofPath("**/*.json").matches("package.json")).isTrue();
    assertThat(GlobPattern.ofPath("docs/**").matches("docs/a/b.md")).isTrue();
  }

  @Test
  void bracesClassesAndQuestionMarks() {
    GlobPattern glob = GlobPattern.ofPath("**/*.{ts,tsx}");
    assertThat(glob.matches("a/b.tsx")).isTrue();
    assertThat(glob.matches("a/b.js")).isFalse();
    assertThat(GlobPattern.ofPath("file[0-9].txt").matches("file7.txt")).isTrue();
    assertThat(GlobPattern.ofPath("file[!0-9].txt").matches("file7.txt")).isFalse();
    assertThat(GlobPattern.ofPath("?.md").matches("a.md")).isTrue();
    assertThat(GlobPattern.ofPath("a+b(c).txt").matches("a+b(c).txt")).isTrue();
  }

  @Test
  void aFilterWithoutSlashMatchesFileNamesAtAnyDepth() {
    assertThat(GlobPattern.ofFilter("*.java").matches("src/main/App.java")).isTrue();
    assertThat(GlobPattern.ofPath("*.java").matches("src/main/App.java")).isFalse();
    assertThat(GlobPattern.ofFilter("src/*.java").matches("src/App.java")).isTrue();
  }

  @Test
  void theLiteralPrefixIsWhereTheWalkStarts() {
    assertThat(GlobPattern.ofPath("src/main/**/*.java").literalPrefix()).isEqualTo("src/main");
    assertThat(GlobPattern.ofPath("**/*.java").literalPrefix()).isEmpty();
    assertThat(GlobPattern.ofPath("package.json").literalPrefix()).isEmpty();
  }
}
