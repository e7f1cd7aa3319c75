package dev.studio.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FileNamesTest {
  @Test
  void names() {
    assertThat(FileNames.nameProblem("report 2026.pdf")).isEmpty();
    assertThat(FileNames.nameProblem("a/b.txt")).isPresent();
    assertThat(FileNames.nameProblem("a\\b.txt")).isPresent();
    assertThat(FileNames.nameProblem("a\0b")).isPresent();
    assertThat(FileNames.nameProblem("..")).isPresent();
    assertThat(FileNames.nameProblem(" ")).isPresent();
    assertThat(FileNames.nameProblem("x".repeat(256))).isPresent();
  }

  @Test
  void contentTypes() {
    assertThat(FileNames.contentTypeProblem(null)).isEmpty();
    assertThat(FileNames.contentTypeProblem("text/plain")).isEmpty();
    assertThat(FileNames.contentTypeProblem("text/plain; charset=utf-8")).isEmpty();
    assertThat(FileNames.contentTypeProblem("text")).isPresent();
    assertThat(FileNames.contentTypeProblem("text/plain\r\nX-Evil: 1")).isPresent();
  }
}
