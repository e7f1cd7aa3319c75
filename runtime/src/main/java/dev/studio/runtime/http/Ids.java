package dev.studio.runtime.http;

import java.util.UUID;

/** Ids in paths: a malformed one names nothing, so it is a 404 like an unknown one. */
public final class Ids {
  private Ids() {}

  public static UUID parse(String what, String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound(what, text);
    }
  }
}
