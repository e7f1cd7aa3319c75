package dev.studio.bundle.spi;

/** Handles one chat turn: reads the conversation, streams text, returns the whole answer. */
@FunctionalInterface
public interface TurnHandler {
  /**
   * Throwing fails the run with the exception's message. A handler that runs long should look at
   * {@link TurnOutput#stopRequested()} now and then and return when it is true.
   */
  String handle(Turn turn, TurnOutput output) throws Exception;
}
