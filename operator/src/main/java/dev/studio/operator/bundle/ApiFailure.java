package dev.studio.operator.bundle;

/**
 * A call to the platform's api that did not do its job. {@link Kind#INVALID} carries the api's
 * own message (a bundle that does not load); the others say what failed, never with a secret.
 */
public final class ApiFailure extends Exception {
  public enum Kind {
    /** 422, 400 or 413: the api refused the bundle or its settings; only a change of them helps. */
    INVALID,
    /** 404 on settings: the api does not have the artifact they name. */
    ARTIFACT_MISSING,
    /** Anything else: unreachable, timed out, no admin token, an unexpected answer. */
    UNAVAILABLE
  }

  private final Kind kind;

  public ApiFailure(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
