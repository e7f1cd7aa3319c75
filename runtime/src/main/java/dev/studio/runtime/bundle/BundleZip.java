package dev.studio.runtime.bundle;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Unpacks a bundle's package into a directory, refusing entries that would land outside it. */
final class BundleZip {
  static final long MAX_UNPACKED_BYTES = 256L * 1024 * 1024;

  private BundleZip() {}

  static void extract(byte[] zip, Path into) throws InvalidBundle {
    Path root = into.toAbsolutePath().normalize();
    long total = 0;
    int entries = 0;
    try (var in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        entries++;
        Path target = root.resolve(entry.getName()).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
          throw new InvalidBundle("the package has an entry outside the bundle: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target)) {
          total += copy(in, out, MAX_UNPACKED_BYTES - total);
        }
      }
    } catch (IOException e) {
      throw new InvalidBundle("the package is not a readable zip: " + e.getMessage(), e);
    }
    if (entries == 0) {
      throw new InvalidBundle("the package is empty (or not a zip)");
    }
  }

  private static long copy(InputStream in, OutputStream out, long room) throws IOException, InvalidBundle {
    byte[] buffer = new byte[64 * 1024];
    long copied = 0;
    for (int n; (n = in.read(buffer)) > 0; ) {
      copied += n;
      if (copied > room) {
        throw new InvalidBundle("the package unpacks to more than " + MAX_UNPACKED_BYTES + " bytes");
      }
      out.write(buffer, 0, n);
    }
    return copied;
  }
}
