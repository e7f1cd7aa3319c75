package dev.studio.daemon.process;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into lines of text for the event streams. Splitting happens on bytes, before decoding, so a
 * multi-byte character is never cut; an over-long line is delivered in pieces of at most {@code maxLine} bytes.
 */
public final class LineSplitter {
  private final Consumer<String> sink;
  private final byte[] line;
  private int length;

  public LineSplitter(int maxLine, Consumer<String> sink) {
    this.sink = sink;
    this.line = new byte[maxLine];
  }

  public void feed(byte[] bytes, int offset, int count) {
    for (int i = offset; i < offset + count; i++) {
      byte b = bytes[i];
      if (b == '\n') {
        emit();
      } else {
        if (length == line.length) {
          emitPiece();
        }
        line[length++] = b;
      }
    }
  }

  /** Delivers what is pending without a newline (a prompt or a progress line), unless it is empty. */
  public void flush() {
    if (length > 0) {
      emit();
    }
  }

  private void emit() {
    int end = length;
    if (end > 0 && line[end - 1] == '\r') {
      end--;
    }
    sink.accept(new String(line, 0, end, StandardCharsets.UTF_8));
    length = 0;
  }

  /** Cuts a full buffer at a character boundary, carrying the unfinished character over. */
  private void emitPiece() {
    int cut = length;
    while (cut > 0 && (line[cut - 1] & 0xC0) == 0x80) {
      cut--;
    }
    if (cut > 0 && (line[cut - 1] & 0xC0) == 0xC0) {
      cut--;
    }
    if (cut == 0) {
      cut = length;
    }
    sink.accept(new String(line, 0, cut, StandardCharsets.UTF_8));
    System.arraycopy(line, cut, line, 0, length - cut);
    length -= cut;
  }
}
