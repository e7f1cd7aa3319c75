package dev.studio.bundle.spi;

import java.util.List;
import java.util.Map;

/**
 * One chat turn.
 *
 * @param org the organisation's id
 * @param thread the thread's id
 * @param run the run's id
 * @param text the user's message
 * @param history the conversation before it, oldest first
 * @param userProps the organisation's props for this bundle
 * @param userSecrets the organisation's secrets for this bundle; never log them
 */
public record Turn(String org, String thread, String run, String text, List<Message> history, Map<String, Object> userProps,
    Map<String, String> userSecrets) {

  public Turn {
    history = List.copyOf(history);
    userProps = JsonValues.copy(userProps);
    userSecrets = Map.copyOf(userSecrets);
  }

  /** A message of the conversation: {@code role} is {@code user} or {@code assistant}. */
  public record Message(String role, String text) {}
}
