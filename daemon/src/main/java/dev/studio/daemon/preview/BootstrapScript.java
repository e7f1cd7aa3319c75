package dev.studio.daemon.preview;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The script injected into every HTML page of the preview, and the tag that loads it. */
final class BootstrapScript {
  static final String PATH = "/__studio/bootstrap.js";
  static final byte[] TAG = ("<script src=\"" + PATH + "\"></script>").getBytes(StandardCharsets.US_ASCII);

  private BootstrapScript() {
  }

  static byte[] load() {
    try (InputStream in = BootstrapScript.class.getResourceAsStream("bootstrap.js")) {
      if (in == null) {
        throw new IllegalStateException("bootstrap.js is missing from the daemon's resources");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
