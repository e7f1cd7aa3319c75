package dev.studio.operator.sandbox;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Handles name a sandbox's preview host ({@code <handle>.preview.<domain>}) and its children. They
 * come from SecureRandom, so preview hosts cannot be enumerated: 16 characters of lowercase base32
 * are 80 bits. Base32 lowercase is letters and 2-7 only, so a handle is a valid DNS label.
 */
public final class Handles {
  public static final int LENGTH = 16;
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final Pattern VALID = Pattern.compile("^[a-z2-7]{" + LENGTH + "}$");
  private static final SecureRandom RANDOM = new SecureRandom();

  private Handles() {}

  public static String fresh() {
    return random(LENGTH);
  }

  /** {@code n} random base32 characters. */
  static String random(int n) {
    char[] out = new char[n];
    for (int i = 0; i < n; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }

  public static boolean valid(String handle) {
    return handle != null && VALID.matcher(handle).matches();
  }
}
