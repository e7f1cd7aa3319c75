package dev.studio.daemon.claim;

/** Who commits the sandbox's work when it is published. */
public record GitAuthor(String name, String email) {
  public static final GitAuthor DEFAULT = new GitAuthor("Studio Sandbox", "sandbox@studio.invalid");
}
