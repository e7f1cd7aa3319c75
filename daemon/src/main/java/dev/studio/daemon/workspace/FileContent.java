package dev.studio.daemon.workspace;

/** A file's content as the API carries it: {@code utf8} text when the bytes are valid UTF-8, else {@code base64}. */
public record FileContent(String path, String content, String encoding) {
  public static final String UTF8 = "utf8";
  public static final String BASE64 = "base64";
}
