package dev.studio.bundle.spi;

import java.util.Map;

/**
 * One call of an operation.
 *
 * @param org the calling organisation's id
 * @param method {@code GET} or {@code POST}
 * @param input the query parameters (GET) or the JSON object body (POST)
 * @param userProps the organisation's props for this bundle
 * @param userSecrets the organisation's secrets for this bundle; never log them
 */
public record OperationCall(String org, String method, Map<String, Object> input, Map<String, Object> userProps,
    Map<String, String> userSecrets) {

  public OperationCall {
    input = JsonValues.copy(input);
    userProps = JsonValues.copy(userProps);
    userSecrets = Map.copyOf(userSecrets);
  }
}
