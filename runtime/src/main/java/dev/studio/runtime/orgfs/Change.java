package dev.studio.runtime.orgfs;

/** One entry of a volume's change feed: a write (new content at {@code seq}) or a delete. */
public record Change(long seq, String path, Kind kind, Long size) {
  public enum Kind {
    write,
    delete
  }
}
