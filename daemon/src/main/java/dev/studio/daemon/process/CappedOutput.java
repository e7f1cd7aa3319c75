package dev.studio.daemon.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Collects a process's output up to a cap. Past the cap it keeps reading (so the process never blocks on a full
 * pipe) but drops the bytes and remembers that it did.
 */
public final class CappedOutput {
  private final int cap;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private boolean truncated;

  public CappedOutput(int cap) {
    this.cap = cap;
  }

  /** Reads the stream to its end (or until it fails because the process was killed). */
  public void drain(InputStream in) {
    byte[] buffer = new byte[16 * 1024];
    try (in) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        append(buffer, n);
      }
    } catch (IOException e) {
      // The pipe closed under us: the process is gone; what was read is kept.
    }
  }

  private synchronized void append(byte[] buffer, int n) {
    int room = cap - bytes.size();
    if (n > room) {
      truncated = true;
    }
    if (room > 0) {
      bytes.write(buffer, 0, Math.min(room, n));
    }
  }

  public synchronized String text() {
    return Utf8.decodeLenient(bytes.toByteArray());
  }

  public synchronized boolean truncated() {
    return truncated;
  }

  /** Decoding that never fails: a multi-byte character cut by the cap becomes U+FFFD. */
  static final class Utf8 {
    private Utf8() {
    }

    static String decodeLenient(byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }
}
