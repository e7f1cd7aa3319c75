package dev.studio.daemon.preview;

import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the proxy asks upstream for: the codings the browser accepts, but only gzip and deflate, because those are
 * the ones the HTML rewrite can undo (never br or zstd). Browsers send a handful of distinct values, so the answer
 * is remembered per value.
 */
final class AcceptEncoding {
  private static final int MAX_REMEMBERED = 64;
  private static final String NONE = "";
  private static final Map<String, String> REMEMBERED = new ConcurrentHashMap<>();

  private AcceptEncoding() {
  }

  /** The header value to send upstream, or null for none (identity). */
  static String forUpstream(String fromClient) {
    if (fromClient == null || fromClient.isBlank()) {
      return null;
    }
    String known = REMEMBERED.get(fromClient);
    if (known == null) {
      known = filter(fromClient);
      if (REMEMBERED.size() < MAX_REMEMBERED) {
        REMEMBERED.put(fromClient, known);
      }
    }
    return known.isEmpty() ? null : known;
  }

  /** Whether the browser's {@code Accept-Encoding} allows {@code coding} (identity always is). */
  static boolean accepts(String fromClient, ContentCoding coding) {
    if (coding == ContentCoding.IDENTITY) {
      return true;
    }
    String allowed = forUpstream(fromClient);
    return allowed != null && allowed.contains(coding.name().toLowerCase(Locale.ROOT));
  }

  static String filter(String header) {
    StringJoiner kept = new StringJoiner(", ");
    for (String part : header.split(",")) {
      String[] tokens = part.trim().split(";");
      String coding = tokens[0].trim().toLowerCase(Locale.ROOT);
      if ((coding.equals("gzip") || coding.equals("deflate")) && !refused(tokens)) {
        kept.add(coding);
      }
    }
    return kept.length() == 0 ? NONE : kept.toString();
  }

  /** {@code ;q=0} means "not acceptable". */
  private static boolean refused(String[] tokens) {
    for (int i = 1; i < tokens.length; i++) {
      String parameter = tokens[i].trim().toLowerCase(Locale.ROOT);
      if (parameter.startsWith("q=")) {
        try {
          return Double.parseDouble(parameter.substring(2).trim()) <= 0;
        } catch (NumberFormatException e) {
          return true;
        }
      }
    }
    return false;
  }
}
