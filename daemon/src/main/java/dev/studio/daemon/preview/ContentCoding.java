package dev.studio.daemon.preview;

import java.util.Locale;
import java.util.Optional;

/** The response codings the preview can rewrite through. The proxy never asks upstream for any other (no br). */
enum ContentCoding {
  IDENTITY, GZIP, DEFLATE;

  /** The coding a {@code Content-Encoding} value names; empty for codings we cannot undo (br, stacked codings). */
  static Optional<ContentCoding> of(String contentEncoding) {
    if (contentEncoding == null || contentEncoding.isBlank()) {
      return Optional.of(IDENTITY);
    }
    return switch (contentEncoding.trim().toLowerCase(Locale.ROOT)) {
      case "identity" -> Optional.of(IDENTITY);
      case "gzip", "x-gzip" -> Optional.of(GZIP);
      case "deflate" -> Optional.of(DEFLATE);
      default -> Optional.empty();
    };
  }

  /** A stage that decodes this coding into {@code next}. */
  StreamStage decoder(StreamStage next) {
    return switch (this) {
      case IDENTITY -> next;
      case GZIP -> new GzipDecoder(next);
      case DEFLATE -> new ZlibDecoder(next);
    };
  }

  /** A stage that encodes into this coding, flushing at every write so the page still streams. */
  StreamStage encoder(StreamStage out) {
    return switch (this) {
      case IDENTITY -> out;
      case GZIP -> new DeflateEncoder(out, true);
      case DEFLATE -> new DeflateEncoder(out, false);
    };
  }
}
