package dev.studio.daemon.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
  @Test
  void cutsOnNewlinesAndDropsCarriageReturns() {
    List<String> lines = new ArrayList<>();
    LineSplitter splitter = new LineSplitter(100, lines::add);
    feed(splitter, "one\r\ntwo\nthr");
    feed(splitter, "ee\n");
    assertThat(lines).containsExactly("one", "two", "three");
  }

  @Test
  void neverCutsAMultiByteCharacterWhenALineIsTooLong() {
    List<String> lines = new ArrayList<>();
    LineSplitter splitter = new LineSplitter(8, lines::add);
    feed(splitter, "ééééééé\n");
    assertThat(String.join("", lines)).isEqualTo("ééééééé");
    assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain("\uFFFD"));
  }

  @Test
  void flushDeliversAPendingPrompt() {
    List<String> lines = new ArrayList<>();
    LineSplitter splitter = new LineSplitter(100, lines::add);
    feed(splitter, "Password: ");
    splitter.flush();
    assertThat(lines).containsExactly("Password: ");
  }

  private static void feed(LineSplitter splitter, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    splitter.feed(bytes, 0, bytes.length);
  }
}
