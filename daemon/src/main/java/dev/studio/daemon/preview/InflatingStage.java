package dev.studio.daemon.preview;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** Feeds compressed bytes through an {@link Inflater} into the next stage. */
abstract class InflatingStage implements StreamStage {
  private final StreamStage next;
  private final byte[] window = new byte[16 * 1024];
  protected Inflater inflater;

  InflatingStage(StreamStage next) {
    this.next = next;
  }

  /**
   * Inflates {@code bytes} until the inflater wants more input or its stream ends.
   *
   * @return how many of the given bytes the inflater did not use (they follow its stream)
   */
  protected int inflate(byte[] bytes, int offset, int length) {
    inflater.setInput(bytes, offset, length);
    try {
      while (!inflater.finished()) {
        int n = inflater.inflate(window);
        if (n > 0) {
          next.write(window, 0, n);
        } else {
          break; // needs more input (or a dictionary, which HTTP bodies never use)
        }
      }
    } catch (DataFormatException e) {
      throw new CorruptBodyException("the compressed body is corrupt: " + e.getMessage());
    }
    return inflater.getRemaining();
  }

  protected void finishNext() {
    if (inflater != null) {
      inflater.end();
    }
    next.finish();
  }

  /** The upstream body was not what its Content-Encoding said. */
  static final class CorruptBodyException extends RuntimeException {
    CorruptBodyException(String message) {
      super(message);
    }
  }
}
