package dev.studio.daemon.events;

/** A log already feeds as many live readers as it allows. */
public final class TooManySubscribersException extends Exception {
  public TooManySubscribersException(int limit) {
    super("at most " + limit + " clients may follow this stream at once");
  }
}
