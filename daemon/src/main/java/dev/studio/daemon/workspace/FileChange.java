package dev.studio.daemon.workspace;

/** A change made through the files API, as announced on {@code /events} ({@code from} only for renames). */
public record FileChange(String op, String path, String from) {
  public static FileChange of(String op, String path) {
    return new FileChange(op, path, null);
  }
}
