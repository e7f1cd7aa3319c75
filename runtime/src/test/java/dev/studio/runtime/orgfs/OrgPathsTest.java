package dev.studio.runtime.orgfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class OrgPathsTest {
  @Test
  void acceptsRelativePaths() {
    assertThat(OrgPaths.problem("a.txt")).isEmpty();
    assertThat(OrgPaths.problem("docs/notes/été 2026.md")).isEmpty();
    assertThat(OrgPaths.problem("..hidden/x..y")).isEmpty();
  }

  @Test
  void refusesClimbingAbsoluteNulControlAndOverlong() {
    assertThat(OrgPaths.problem("../etc/passwd")).hasValueSatisfying(p -> assertThat(p).contains(".."));
    assertThat(OrgPaths.problem("a/../../b")).isPresent();
    assertThat(OrgPaths.problem("a/./b")).isPresent();
    assertThat(OrgPaths.problem("/etc/passwd")).hasValueSatisfying(p -> assertThat(p).contains("relative"));
    assertThat(OrgPaths.problem("a\0b")).hasValueSatisfying(p -> assertThat(p).contains("NUL"));
    assertThat(OrgPaths.problem("a\nb")).isPresent();
    assertThat(OrgPaths.problem("a\\..\\b")).isPresent();
    assertThat(OrgPaths.problem("a//b")).isPresent();
    assertThat(OrgPaths.problem("a/")).isPresent();
    assertThat(OrgPaths.problem("")).isPresent();
    assertThat(OrgPaths.problem(null)).isPresent();
    assertThat(OrgPaths.problem("x".repeat(256))).hasValueSatisfying(p -> assertThat(p).contains("segment"));
    assertThat(OrgPaths.problem(("x".repeat(200) + "/").repeat(6) + "x")).hasValueSatisfying(p -> assertThat(p).contains("1024"));
  }

  @Test
  void volumes() {
    assertThat(OrgPaths.validVolume("shared")).isTrue();
    assertThat(OrgPaths.validVolume("public-docs")).isTrue();
    assertThat(OrgPaths.validVolume("a.b")).isFalse();
    assertThat(OrgPaths.validVolume("A")).isFalse();
    assertThat(OrgPaths.validVolume("..")).isFalse();
    assertThat(OrgPaths.readOnly("public-docs")).isTrue();
    assertThat(OrgPaths.readOnly("docs-public")).isFalse();
  }

  @Test
  void ifMatch() {
    assertThat(OrgPaths.matches(null, Optional.empty())).isTrue();
    assertThat(OrgPaths.matches("\"v7\"", Optional.of(7L))).isTrue();
    assertThat(OrgPaths.matches("W/\"v7\"", Optional.of(7L))).isTrue();
    assertThat(OrgPaths.matches("\"v6\", \"v7\"", Optional.of(7L))).isTrue();
    assertThat(OrgPaths.matches("\"v6\"", Optional.of(7L))).isFalse();
    assertThat(OrgPaths.matches("\"v7\"", Optional.empty())).isFalse();
    assertThat(OrgPaths.matches("*", Optional.empty())).isFalse();
    assertThat(OrgPaths.matches("*", Optional.of(1L))).isTrue();
    assertThat(OrgPaths.matches("garbage", Optional.of(1L))).isFalse();
    assertThat(OrgPaths.noneMatches("*", Optional.of(1L))).isFalse();
    assertThat(OrgPaths.noneMatches("*", Optional.empty())).isTrue();
    assertThat(OrgPaths.noneMatches(null, Optional.of(1L))).isTrue();
  }
}
