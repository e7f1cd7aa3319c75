package dev.studio.daemon.workspace;

/** A path given to the API would reach outside the workspace, or is not a path we accept at all. */
public final class PathRefusedException extends RuntimeException {
  /** Why, as a stable code for clients. */
  public enum Reason {
    EMPTY, NUL_BYTE, ABSOLUTE, DOT_DOT, TOO_LONG, COMPONENT_TOO_LONG, SYMLINK_ESCAPE, SYMLINK_LOOP, ROOT
  }

  private final String field;
  private final Reason reason;

  public PathRefusedException(String field, Reason reason, String message) {
    super(field + ": " + message);
    this.field = field;
    this.reason = reason;
  }

  public String field() {
    return field;
  }

  public Reason reason() {
    return reason;
  }
}
