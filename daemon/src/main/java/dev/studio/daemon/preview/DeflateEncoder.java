package dev.studio.daemon.preview;

import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Compresses a rewritten body again, as gzip or zlib ({@code deflate}). Each write ends with a sync flush so a
 * streamed page reaches the browser as it comes; the fastest level keeps the proxy's CPU cost low.
 */
final class DeflateEncoder implements StreamStage {
  private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private final StreamStage out;
  private final boolean gzip;
  private final Deflater deflater;
  private final CRC32 crc = new CRC32();
  private final byte[] window = new byte[16 * 1024];
  private boolean started;

  DeflateEncoder(StreamStage out, boolean gzip) {
    this.out = out;
    this.gzip = gzip;
    this.deflater = new Deflater(Deflater.BEST_SPEED, gzip);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    if (length == 0) {
      return;
    }
    start();
    if (gzip) {
      crc.update(bytes, offset, length);
    }
    deflater.setInput(bytes, offset, length);
    int n;
    do {
      n = deflater.deflate(window, 0, window.length, Deflater.SYNC_FLUSH);
      out.write(window, 0, n);
    } while (n == window.length);
  }

  @Override
  public void finish() {
    start();
    deflater.finish();
    while (!deflater.finished()) {
      int n = deflater.deflate(window);
      out.write(window, 0, n);
    }
    long size = deflater.getBytesRead();
    deflater.end();
    if (gzip) {
      byte[] trailer = new byte[8];
      writeIntLe(trailer, 0, crc.getValue());
      writeIntLe(trailer, 4, size);
      out.write(trailer, 0, 8);
    }
    out.finish();
  }

  private void start() {
    if (!started) {
      started = true;
      if (gzip) {
        out.write(GZIP_HEADER, 0, GZIP_HEADER.length);
      }
    }
  }

  private static void writeIntLe(byte[] target, int at, long value) {
    for (int i = 0; i < 4; i++) {
      target[at + i] = (byte) (value >>> (8 * i));
    }
  }
}
