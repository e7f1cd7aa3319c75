package dev.studio.daemon.preview;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;

/** Compressed HTML is decoded, injected and encoded again in the same coding, however it arrives in pieces. */
class HtmlRewriteTest {
  private static final byte[] TAG = "<script src=\"/__studio/bootstrap.js\"></script>".getBytes(StandardCharsets.US_ASCII);
  private static final String PAGE = "<!doctype html><html><body>" + "<p>paragraph</p>".repeat(2000)
      + "<script>'</body>'</script></body></html>";
  private static final String EXPECTED = PAGE.replace("</script></body>", "</script>" + new String(TAG, StandardCharsets.US_ASCII) + "</body>");

  @Test
  void gzipBodiesAreRewrittenAndStayGzip() throws IOException {
    byte[] gzipped = gzip(PAGE.getBytes(StandardCharsets.UTF_8));
    for (int piece : new int[] {1, 7, 100, 4096, gzipped.length}) {
      byte[] out = rewrite(ContentCoding.GZIP, gzipped, piece);
      assertThat(gunzip(out)).as("pieces of %d", piece).isEqualTo(EXPECTED);
    }
  }

  @Test
  void gzipBodiesForABrowserThatDidNotAskForGzipAreSentPlain() throws IOException {
    HtmlRewrite rewrite = new HtmlRewrite(ContentCoding.GZIP, ContentCoding.IDENTITY, TAG);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    append(out, rewrite.push(ByteBuffer.wrap(gzip(PAGE.getBytes(StandardCharsets.UTF_8)))));
    append(out, rewrite.finish());
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(EXPECTED);
  }

  @Test
  void concatenatedGzipMembersDecodeAsOne() throws IOException {
    byte[] page = PAGE.getBytes(StandardCharsets.UTF_8);
    int half = page.length / 2;
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    both.write(gzip(java.util.Arrays.copyOfRange(page, 0, half)));
    both.write(gzip(java.util.Arrays.copyOfRange(page, half, page.length)));
    assertThat(gunzip(rewrite(ContentCoding.GZIP, both.toByteArray(), 333))).isEqualTo(EXPECTED);
  }

  @Test
  void deflateBodiesAreRewrittenWhetherZlibOrRaw() throws IOException {
    byte[] zlib = deflate(PAGE.getBytes(StandardCharsets.UTF_8), false);
    byte[] raw = deflate(PAGE.getBytes(StandardCharsets.UTF_8), true);
    assertThat(inflate(rewrite(ContentCoding.DEFLATE, zlib, 50))).isEqualTo(EXPECTED);
    assertThat(inflate(rewrite(ContentCoding.DEFLATE, raw, 50))).isEqualTo(EXPECTED);
  }

  @Test
  void identityBodiesAreRewrittenAsTheyStream() {
    HtmlRewrite rewrite = new HtmlRewrite(ContentCoding.IDENTITY, ContentCoding.IDENTITY, TAG);
    ByteBuffer first = rewrite.push(ByteBuffer.wrap("<html><body><p>streamed</p>".getBytes(StandardCharsets.UTF_8)));
    // The first piece goes out before the rest arrives (all but a few bytes that could start </body>).
    assertThat(StandardCharsets.UTF_8.decode(first).toString()).startsWith("<html><body><p>str");
    rewrite.push(ByteBuffer.wrap("</body></html>".getBytes(StandardCharsets.UTF_8)));
    ByteBuffer last = rewrite.finish();
    assertThat(StandardCharsets.UTF_8.decode(last).toString()).contains("bootstrap.js");
  }

  @Test
  void theLastPieceMayComeWithTheEndOfTheBody() throws IOException {
    byte[] gzipped = gzip(PAGE.getBytes(StandardCharsets.UTF_8));
    for (ContentCoding coding : new ContentCoding[] {ContentCoding.IDENTITY, ContentCoding.GZIP}) {
      byte[] body = coding == ContentCoding.GZIP ? gzipped : PAGE.getBytes(StandardCharsets.UTF_8);
      for (int pieces : new int[] {1, 3}) {
        HtmlRewrite rewrite = new HtmlRewrite(coding, coding, TAG);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int size = body.length / pieces;
        for (int i = 0; i < pieces - 1; i++) {
          append(out, rewrite.push(ByteBuffer.wrap(body, i * size, size)));
        }
        int lastStart = (pieces - 1) * size;
        append(out, rewrite.finish(ByteBuffer.wrap(body, lastStart, body.length - lastStart)));
        String text = coding == ContentCoding.GZIP ? gunzip(out.toByteArray()) : out.toString(StandardCharsets.UTF_8);
        assertThat(text).as("%s in %d pieces", coding, pieces).isEqualTo(EXPECTED);
      }
    }
  }

  @Test
  void aCorruptBodyIsAnErrorNotSilentGarbage() {
    HtmlRewrite rewrite = new HtmlRewrite(ContentCoding.GZIP, ContentCoding.GZIP, TAG);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> rewrite.push(ByteBuffer.wrap("not gzip at all".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(RuntimeException.class);
  }

  private static byte[] rewrite(ContentCoding coding, byte[] body, int piece) {
    HtmlRewrite rewrite = new HtmlRewrite(coding, coding, TAG);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int at = 0; at < body.length; at += piece) {
      ByteBuffer chunk = ByteBuffer.allocateDirect(Math.min(piece, body.length - at));
      chunk.put(body, at, chunk.capacity()).flip();
      append(out, rewrite.push(chunk));
    }
    append(out, rewrite.finish());
    return out.toByteArray();
  }

  private static void append(ByteArrayOutputStream out, ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    out.writeBytes(bytes);
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }

  private static String gunzip(byte[] bytes) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static byte[] deflate(byte[] bytes, boolean raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream deflate = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
      deflate.write(bytes);
    }
    return out.toByteArray();
  }

  private static String inflate(byte[] zlib) throws IOException {
    try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(zlib))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
