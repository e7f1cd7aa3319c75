package dev.studio.daemon.preview;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AcceptEncodingTest {
  @Test
  void keepsOnlyGzipAndDeflateOfWhatTheBrowserAccepts() {
    assertThat(AcceptEncoding.forUpstream("gzip, deflate, br, zstd")).isEqualTo("gzip, deflate");
    assertThat(AcceptEncoding.forUpstream("br;q=1.0, gzip;q=0.8")).isEqualTo("gzip");
    assertThat(AcceptEncoding.forUpstream("br")).isNull();
    assertThat(AcceptEncoding.forUpstream(null)).isNull();
  }

  @Test
  void honoursCodingsTheBrowserRefuses() {
    assertThat(AcceptEncoding.forUpstream("gzip;q=0, deflate")).isEqualTo("deflate");
  }
}
