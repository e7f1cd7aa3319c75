package dev.studio.operator.bundle;

/** The bundle's files cannot be read now: the git remote, the ref, the subdir or the ConfigMap is missing or unreachable. */
public final class SourceUnavailable extends Exception {
  public SourceUnavailable(String message) {
    super(message);
  }

  public SourceUnavailable(String message, Throwable cause) {
    super(message, cause);
  }
}
