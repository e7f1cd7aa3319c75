package dev.studio.runtime.sandbox;

import java.security.SecureRandom;

/**
 * Sandbox handles: the first label of a preview host name, so DNS-safe (lower-case letters and
 * digits, starting with a letter), and unguessable (80 random bits), since the preview is public.
 */
public final class Handles {
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  static final int LENGTH = 17; // 's' + 16 base32 characters = 80 bits

  private Handles() {}

  public static String next() {
    var handle = new StringBuilder(LENGTH).append('s');
    for (int i = 1; i < LENGTH; i++) {
      handle.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return handle.toString();
  }
}
