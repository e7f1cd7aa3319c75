package dev.studio.daemon.preview;

import java.util.zip.Inflater;

/**
 * Decodes {@code Content-Encoding: deflate}: by the standard a zlib stream, though some servers send raw deflate;
 * the first two bytes tell which.
 */
final class ZlibDecoder extends InflatingStage {
  private final byte[] header = new byte[2];
  private int headerLength;

  ZlibDecoder(StreamStage next) {
    super(next);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    int at = offset;
    int end = offset + length;
    if (inflater == null) {
      while (headerLength < 2 && at < end) {
        header[headerLength++] = bytes[at++];
      }
      if (headerLength < 2) {
        return;
      }
      int cmf = header[0] & 0xff;
      int flg = header[1] & 0xff;
      boolean zlib = (cmf & 0x0f) == 8 && ((cmf << 8) | flg) % 31 == 0;
      inflater = new Inflater(!zlib);
      inflate(header, 0, 2);
    }
    if (at < end && !inflater.finished()) {
      inflate(bytes, at, end - at);
    }
  }

  @Override
  public void finish() {
    finishNext();
  }
}
