package dev.studio.daemon.preview;

import java.nio.ByteBuffer;

/**
 * The rewrite of one HTML response body: decode the upstream coding, inject the bootstrap script, encode in the
 * coding the browser gets (the same one, unless the browser did not accept it).
 * Each piece of upstream body goes in and whatever can already be sent comes out, so pages still stream.
 */
final class HtmlRewrite {
  private final Collector collected = new Collector();
  private final StreamStage head;

  HtmlRewrite(ContentCoding fromUpstream, ContentCoding toBrowser, byte[] snippet) {
    this.head = fromUpstream.decoder(new HtmlInjector(snippet, toBrowser.encoder(collected)));
  }

  /** Pushes one piece of upstream body through; returns what can be sent now (possibly nothing). */
  ByteBuffer push(ByteBuffer piece) {
    write(piece);
    return collected.take();
  }

  /** The last piece of upstream body: returns all that is left to send, the script included if it was held back. */
  ByteBuffer finish(ByteBuffer lastPiece) {
    write(lastPiece);
    return finish();
  }

  private void write(ByteBuffer piece) {
    if (piece.hasArray()) {
      head.write(piece.array(), piece.arrayOffset() + piece.position(), piece.remaining());
    } else {
      byte[] copy = new byte[piece.remaining()];
      piece.duplicate().get(copy);
      head.write(copy, 0, copy.length);
    }
  }

  /** The body ended: returns the rest, the script included if it was held back. */
  ByteBuffer finish() {
    head.finish();
    return collected.take();
  }

  /** The end of the pipeline: gathers output until it is taken. */
  private static final class Collector implements StreamStage {
    private byte[] bytes = new byte[8 * 1024];
    private int length;

    @Override
    public void write(byte[] source, int offset, int count) {
      if (length + count > bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + count));
      }
      System.arraycopy(source, offset, bytes, length, count);
      length += count;
    }

    @Override
    public void finish() {
    }

    ByteBuffer take() {
      ByteBuffer out = ByteBuffer.wrap(java.util.Arrays.copyOf(bytes, length));
      length = 0;
      return out;
    }
  }
}
