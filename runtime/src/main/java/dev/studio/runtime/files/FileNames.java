package dev.studio.runtime.files;

import java.util.Optional;

/** What a file's name and content type may be: pure checks, unit-tested. */
public final class FileNames {
  public static final int MAX_NAME = 255;
  public static final int MAX_CONTENT_TYPE = 200;

  private FileNames() {}

  /** A file name is a display name, not a path: no '/', '\\', NUL or control characters. */
  public static Optional<String> nameProblem(String name) {
    if (name == null || name.isBlank()) {
      return Optional.of("name is required");
    }
    if (name.length() > MAX_NAME) {
      return Optional.of("name is longer than " + MAX_NAME + " characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') {
        return Optional.of("name may not contain '/', '\\' or control characters");
      }
    }
    if (name.equals(".") || name.equals("..")) {
      return Optional.of("name may not be '.' or '..'");
    }
    return Optional.empty();
  }

  /** A media type {@code type/subtype} with optional parameters; anything else is refused. */
  public static Optional<String> contentTypeProblem(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    if (contentType.length() > MAX_CONTENT_TYPE || !contentType.matches("^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\\s*;[ -~]*)?$")) {
      return Optional.of("contentType must be a media type such as text/plain");
    }
    return Optional.empty();
  }
}
