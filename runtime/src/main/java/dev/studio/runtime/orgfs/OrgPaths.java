package dev.studio.runtime.orgfs;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The names the org filesystem accepts, as pure functions. A path is relative, '/'-separated,
 * with no empty, '.' or '..' segment, no NUL or other control character and no backslash, so it
 * names the same file on every client and can never climb out of a sandbox's volume directory.
 */
public final class OrgPaths {
  /** Bytes in a path: well under what S3 keys and local filesystems take. */
  public static final int MAX_PATH_BYTES = 1024;
  /** Bytes in one segment: the usual filesystem name limit. */
  public static final int MAX_SEGMENT_BYTES = 255;
  /** Volume names are single NATS subject tokens and directory names: no dots, no slashes. */
  private static final Pattern VOLUME = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");

  private OrgPaths() {}

  /** Why a path is refused, or empty when it is fine. */
  public static Optional<String> problem(String path) {
    if (path == null || path.isEmpty()) {
      return Optional.of("path is required");
    }
    if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      return Optional.of("path is longer than " + MAX_PATH_BYTES + " bytes");
    }
    if (path.startsWith("/")) {
      return Optional.of("path must be relative to the volume (no leading '/')");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == 0) {
        return Optional.of("path contains a NUL byte");
      }
      if (c < 0x20 || c == 0x7f) {
        return Optional.of("path contains a control character");
      }
      if (c == '\\') {
        return Optional.of("path contains a backslash; use '/'");
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        return Optional.of("path has an empty segment ('//' or a trailing '/')");
      }
      if (segment.equals(".") || segment.equals("..")) {
        return Optional.of("path may not contain '.' or '..' segments");
      }
      if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
        return Optional.of("a path segment is longer than " + MAX_SEGMENT_BYTES + " bytes");
      }
    }
    return Optional.empty();
  }

  /** A directory prefix for listing: empty (the volume's root) or a valid path. */
  public static Optional<String> directoryProblem(String directory) {
    return directory == null || directory.isEmpty() ? Optional.empty() : problem(directory);
  }

  public static boolean validVolume(String volume) {
    return volume != null && VOLUME.matcher(volume).matches();
  }

  /** {@code public-*} volumes are published content: no one writes them through the API. */
  public static boolean readOnly(String volume) {
    return volume.startsWith("public-");
  }

  /** The ETag of a version, quoted as HTTP wants it. */
  public static String etag(long version) {
    return "\"v" + version + "\"";
  }

  /**
   * What an {@code If-Match} header asks: any current version ({@code *}), one of the listed
   * versions, or none parseable (which then matches nothing, so a stale or foreign tag fails safe).
   */
  public static boolean matches(String ifMatch, Optional<Long> current) {
    if (ifMatch == null) {
      return true;
    }
    String header = ifMatch.strip();
    if (header.equals("*")) {
      return current.isPresent();
    }
    if (current.isEmpty()) {
      return false;
    }
    String wanted = etag(current.get());
    for (String tag : header.split(",")) {
      String t = tag.strip();
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals(wanted)) {
        return true;
      }
    }
    return false;
  }

  /** {@code If-None-Match: *}: create only; refused when the file exists. */
  public static boolean noneMatches(String ifNoneMatch, Optional<Long> current) {
    return ifNoneMatch == null || !ifNoneMatch.strip().equals("*") || current.isEmpty();
  }
}
