package dev.studio.bundle.spi;

/** An operation refusing a call: the caller gets {@code status} (400-499) and the message. */
public class OperationException extends Exception {
  private final int status;

  public OperationException(int status, String message) {
    super(message);
    if (status < 400 || status > 499) {
      throw new IllegalArgumentException("an operation refuses with a 4xx status, not " + status);
    }
    this.status = status;
  }

  public int status() {
    return status;
  }
}
