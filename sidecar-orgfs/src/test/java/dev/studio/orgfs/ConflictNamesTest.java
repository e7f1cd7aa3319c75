package dev.studio.orgfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConflictNamesTest {
  static final Instant AT = Instant.parse("2026-11-21T22:41:05.123Z");

  @Test
  void keepsTheExtensionLast() {
    assertThat(ConflictNames.of("notes.md", AT)).isEqualTo("notes.conflict-20261121T224105.123Z.md");
    assertThat(ConflictNames.of("a/b/archive.tar.gz", AT)).isEqualTo("a/b/archive.tar.conflict-20261121T224105.123Z.gz");
  }

  @Test
  void noExtensionAndHiddenFiles() {
    assertThat(ConflictNames.of("Makefile", AT)).isEqualTo("Makefile.conflict-20261121T224105.123Z");
    assertThat(ConflictNames.of("dir/.env", AT)).isEqualTo("dir/.env.conflict-20261121T224105.123Z");
  }
}
