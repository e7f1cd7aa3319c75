package dev.studio.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StreamEventTest {

  @Test
  void anEventIsOneSseFrameWithItsSequenceAsId() {
    var event = StreamEvent.of(42, "message.delta", "{\"text\":\"héllo\"}");

    assertThat(new String(event.frame(), StandardCharsets.UTF_8))
        .isEqualTo("id: 42\nevent: message.delta\ndata: {\"text\":\"héllo\"}\n\n");
  }

  @Test
  void dataOverSeveralLinesGetsAFieldPerLineSoTheFrameStaysWhole() {
    var event = StreamEvent.of(7, "note", "{\n  \"a\": 1\r\n}");

    assertThat(new String(event.frame(), StandardCharsets.UTF_8))
        .isEqualTo("id: 7\nevent: note\ndata: {\ndata:   \"a\": 1\ndata: }\n\n");
    assertThat(event.data()).isEqualTo("{\n  \"a\": 1\r\n}");
  }
}
