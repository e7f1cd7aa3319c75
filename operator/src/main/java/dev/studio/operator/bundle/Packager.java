package dev.studio.operator.bundle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Files in, zip bytes out, the same bytes for the same files on any machine: entries sorted by
 * path, one fixed timestamp, no directory entries, no extra fields, and stored (not deflated), so
 * the bytes do not depend on the zlib a JDK happens to link. That makes the sha256 of the zip a
 * content address: a ConfigMap that did not change packages to the revision it had.
 */
public final class Packager {
  /**
   * Written as a DOS local time, so no time zone leaks in. Not 1980-01-01, the first DOS time: the
   * JDK stores an extra UTC timestamp for times at the edge of the DOS range, and that one depends
   * on the zone.
   */
  private static final LocalDateTime FIXED_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

  private Packager() {}

  /**
   * @param files path relative to the bundle root ({@code /}-separated) → content
   * @throws IllegalArgumentException for a path that is absolute, empty or climbs out with {@code ..}
   */
  public static byte[] zip(Map<String, byte[]> files) {
    var sorted = new TreeMap<String, byte[]>();
    files.forEach((path, content) -> sorted.put(checked(path), content));
    var bytes = new ByteArrayOutputStream();
    try (var zip = new ZipOutputStream(bytes)) {
      zip.setMethod(ZipOutputStream.STORED);
      for (var file : sorted.entrySet()) {
        byte[] content = file.getValue();
        var crc = new CRC32();
        crc.update(content);
        var entry = new ZipEntry(file.getKey());
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.length);
        entry.setCompressedSize(content.length);
        entry.setCrc(crc.getValue());
        entry.setTimeLocal(FIXED_TIME);
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  /** Lower-case hex sha256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String checked(String path) {
    if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")) {
      throw new IllegalArgumentException("not a relative path: " + path);
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("not a plain relative path: " + path);
      }
    }
    return path;
  }
}
