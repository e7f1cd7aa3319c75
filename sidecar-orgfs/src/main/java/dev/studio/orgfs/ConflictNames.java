package dev.studio.orgfs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Where the losing side of a concurrent edit is kept: next to the file, named so it sorts beside it. */
public final class ConflictNames {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
  static final String MARK = ".conflict-";

  private ConflictNames() {}

  /** {@code dir/name.ext} → {@code dir/name.conflict-<UTC timestamp>.ext}; no extension → suffix. */
  public static String of(String path, Instant at) {
    int slash = path.lastIndexOf('/');
    String dir = path.substring(0, slash + 1);
    String name = path.substring(slash + 1);
    int dot = name.lastIndexOf('.');
    String stamp = MARK + STAMP.format(at);
    // A leading dot is a hidden file's name, not an extension.
    if (dot <= 0) {
      return dir + name + stamp;
    }
    return dir + name.substring(0, dot) + stamp + name.substring(dot);
  }
}
