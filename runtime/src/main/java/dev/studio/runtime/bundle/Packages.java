package dev.studio.runtime.bundle;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Facts about a package's bytes: its kind, its digest, and a bare jar made into a bundle package. */
final class Packages {
  static final String JAR_IN_PACKAGE = "bundle.jar";

  private Packages() {}

  /** A package with a jar at its root is a JVM bundle; otherwise a declarative one. */
  static BundleRecord.Kind kindOf(byte[] zip) {
    try (var in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (!e.isDirectory() && !e.getName().contains("/") && e.getName().endsWith(".jar")) {
          return BundleRecord.Kind.Jvm;
        }
      }
    } catch (IOException e) {
      // Not a zip: the loader says so, with the reason.
    }
    return BundleRecord.Kind.Declarative;
  }

  /** An object imported from the store: a bare jar (it has classes) is wrapped as the package's one jar. */
  static byte[] asBundleZip(byte[] object) {
    if (!isJar(object)) {
      return object;
    }
    var out = new ByteArrayOutputStream();
    try (var zip = new ZipOutputStream(out)) {
      var entry = new ZipEntry(JAR_IN_PACKAGE);
      entry.setTime(0);
      zip.putNextEntry(entry);
      zip.write(object);
      zip.closeEntry();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private static boolean isJar(byte[] object) {
    try (var in = new ZipInputStream(new ByteArrayInputStream(object))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (e.getName().endsWith(".class") || e.getName().equals("META-INF/MANIFEST.MF")) {
          return true;
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
