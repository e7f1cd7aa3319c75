package dev.studio.daemon;

/** What a bearer token may look like: it travels in an HTTP header, so printable ASCII without spaces. */
public final class Tokens {
  private Tokens() {
  }

  public static boolean isWellFormed(String token) {
    if (token == null || token.isEmpty() || token.length() > 4096) {
      return false;
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }
}
