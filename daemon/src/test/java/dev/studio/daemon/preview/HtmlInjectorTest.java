package dev.studio.daemon.preview;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HtmlInjectorTest {
  private static final String TAG = "<script src=\"/__studio/bootstrap.js\"></script>";

  @Test
  void insertsBeforeTheClosingBodyTag() {
    assertThat(inject("<html><body><p>hi</p></body></html>"))
        .isEqualTo("<html><body><p>hi</p>" + TAG + "</body></html>");
  }

  @Test
  void choosesTheLastClosingBodyTagWhenAnEarlierOneIsInAScript() {
    String page = "<body><script>var s = \"</body>\";</script></body></html>";
    assertThat(inject(page)).isEqualTo("<body><script>var s = \"</body>\";</script>" + TAG + "</body></html>");
  }

  @Test
  void matchesTheTagInAnyCase() {
    assertThat(inject("<BODY>x</BoDy>")).isEqualTo("<BODY>x" + TAG + "</BoDy>");
  }

  @Test
  void givesTheSameResultHoweverTheBodyIsCutIntoPieces() {
    String page = "<html><body><script>let a = '</body>';</script><p>text</p></body>\n</html>\n";
    String expected = inject(page);
    assertThat(expected).containsOnlyOnce(TAG);
    for (int size = 1; size <= page.length(); size++) {
      assertThat(inject(page, size)).as("pieces of %d bytes", size).isEqualTo(expected);
    }
  }

  @Test
  void leavesAFragmentWithoutBodyTagUnchanged() {
    assertThat(inject("<li>fragment</li>")).isEqualTo("<li>fragment</li>");
    assertThat(inject("<li>almost </bod")).isEqualTo("<li>almost </bod");
  }

  @Test
  void injectsAtTheCandidateWhenTooMuchFollowsIt() {
    String tail = "x".repeat(HtmlInjector.MAX_HELD + 5000);
    String result = inject("<body>a</body>" + tail + "</body>", 4096);
    assertThat(result).isEqualTo("<body>a" + TAG + "</body>" + tail + "</body>");
  }

  @Test
  void passesMultiByteTextThroughUntouched() {
    String page = "<body>héllo – 日本語 🎉</body>";
    assertThat(inject(page, 3)).isEqualTo("<body>héllo – 日本語 🎉" + TAG + "</body>");
  }

  static String inject(String page) {
    return inject(page, Integer.MAX_VALUE);
  }

  static String inject(String page, int pieceSize) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    HtmlInjector injector = new HtmlInjector(TAG.getBytes(StandardCharsets.US_ASCII), collector(out));
    byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
    for (int at = 0; at < bytes.length; at += pieceSize) {
      injector.write(bytes, at, Math.min(pieceSize, bytes.length - at));
    }
    injector.finish();
    return out.toString(StandardCharsets.UTF_8);
  }

  static StreamStage collector(ByteArrayOutputStream out) {
    return new StreamStage() {
      @Override
      public void write(byte[] bytes, int offset, int length) {
        out.write(bytes, offset, length);
      }

      @Override
      public void finish() {
      }
    };
  }
}
