package dev.studio.daemon.preview;

import java.nio.charset.StandardCharsets;

/**
 * Inserts a snippet into streamed HTML exactly once, immediately before the last {@code </body>} (any case).
 *
 * <p>Streaming means "last" is only known at the end: output flows through untouched until a {@code </body>} is
 * seen; from there on the bytes are held back, and released (without the snippet) whenever a later {@code </body>}
 * turns up. What follows the real last {@code </body>} is normally a few bytes ({@code </html>}), so the hold is
 * short. If more than {@link #MAX_HELD} bytes follow a candidate, the snippet goes before that candidate and the
 * rest streams on. A document without {@code </body>} (an HTML fragment) is left as it is.
 *
 * <p>The match works on bytes, so it is right for UTF-8 and every ASCII-compatible charset.
 */
final class HtmlInjector implements StreamStage {
  static final int MAX_HELD = 64 * 1024;
  private static final byte[] CLOSE_BODY = "</body>".getBytes(StandardCharsets.US_ASCII);
  private static final int TAIL = CLOSE_BODY.length - 1;

  private final byte[] snippet;
  private final StreamStage out;
  /** Bytes not emitted yet: the start of a possible {@code </body>}, or a candidate and all after it. */
  private byte[] held = new byte[256];
  private int heldLength;
  private boolean candidate;
  private boolean done;

  HtmlInjector(byte[] snippet, StreamStage out) {
    this.snippet = snippet.clone();
    this.out = out;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    if (length == 0) {
      return;
    }
    if (done) {
      out.write(bytes, offset, length);
      return;
    }
    if (!candidate && heldLength == 0) {
      // Fast path: no partial tag is pending, so search the caller's bytes in place.
      int at = indexOfCloseBody(bytes, offset, offset + length);
      if (at < 0) {
        int keep = Math.min(TAIL, length);
        out.write(bytes, offset, length - keep);
        hold(bytes, offset + length - keep, keep);
        return;
      }
      out.write(bytes, offset, at - offset);
      hold(bytes, at, offset + length - at);
      candidate = true;
      settle();
      return;
    }
    hold(bytes, offset, length);
    settle();
  }

  @Override
  public void finish() {
    if (!done && candidate) {
      out.write(snippet, 0, snippet.length);
    }
    out.write(held, 0, heldLength);
    heldLength = 0;
    done = true;
    out.finish();
  }

  /** Releases what can be released now that more bytes are held. */
  private void settle() {
    if (!candidate) {
      int at = indexOfCloseBody(held, 0, heldLength);
      if (at < 0) {
        release(heldLength - Math.min(TAIL, heldLength));
        return;
      }
      release(at);
      candidate = true;
    }
    // held starts with a candidate </body>: a later one makes everything before it final.
    int later;
    while ((later = indexOfCloseBody(held, 1, heldLength)) > 0) {
      release(later);
    }
    if (heldLength > MAX_HELD) {
      out.write(snippet, 0, snippet.length);
      release(heldLength);
      done = true;
    }
  }

  private void release(int count) {
    out.write(held, 0, count);
    System.arraycopy(held, count, held, 0, heldLength - count);
    heldLength -= count;
  }

  private void hold(byte[] bytes, int offset, int length) {
    if (heldLength + length > held.length) {
      held = java.util.Arrays.copyOf(held, Math.max(held.length * 2, heldLength + length));
    }
    System.arraycopy(bytes, offset, held, heldLength, length);
    heldLength += length;
  }

  /** The index of the first {@code </body>} (ASCII case-insensitive) in {@code [from, to)}, or -1. */
  static int indexOfCloseBody(byte[] bytes, int from, int to) {
    int last = to - CLOSE_BODY.length;
    for (int i = from; i <= last; i++) {
      if (bytes[i] == '<' && bytes[i + 1] == '/' && matchesBodyName(bytes, i + 2) && bytes[i + 6] == '>') {
        return i;
      }
    }
    return -1;
  }

  private static boolean matchesBodyName(byte[] bytes, int at) {
    return (bytes[at] | 0x20) == 'b' && (bytes[at + 1] | 0x20) == 'o'
        && (bytes[at + 2] | 0x20) == 'd' && (bytes[at + 3] | 0x20) == 'y';
  }
}
