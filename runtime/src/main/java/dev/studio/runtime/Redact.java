package dev.studio.runtime;

import java.util.regex.Pattern;

/** Scrubs credentials out of text that may end up in a log line or a response. */
public final class Redact {
  private static final Pattern URL_PASSWORD = Pattern.compile("(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?<user>[^:/@\\s]*):[^@/\\s]*@");

  private Redact() {}

  /** {@code redis://user:pw@host} becomes {@code redis://user:****@host}. */
  public static String urls(String text) {
    return text == null ? null : URL_PASSWORD.matcher(text).replaceAll("${scheme}${user}:****@");
  }
}
