package dev.studio.runtime.agent.model;

/**
 * A model call that failed for good (after retries, or for a reason retrying cannot fix). Its
 * message is safe to show users and to log: it never holds the API key.
 */
public final class ModelException extends RuntimeException {
  private final boolean retryable;

  public ModelException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public ModelException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
