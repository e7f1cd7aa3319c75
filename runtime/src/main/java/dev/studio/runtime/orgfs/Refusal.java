package dev.studio.runtime.orgfs;

/** Why the store refused a change; the routes turn each reason into its HTTP status. */
public final class Refusal extends RuntimeException {
  public enum Reason {
    /** If-Match / If-None-Match did not hold: someone else changed the file first. */
    precondition,
    /** The org would keep more bytes than its quota. */
    quota,
    /** The target of a move exists. */
    exists,
    /** The file is not there. */
    missing
  }

  private final Reason reason;
  private final long usedBytes;

  Refusal(Reason reason, String message, long usedBytes) {
    super(message, null, false, false);
    this.reason = reason;
    this.usedBytes = usedBytes;
  }

  public Reason reason() {
    return reason;
  }

  public long usedBytes() {
    return usedBytes;
  }
}
