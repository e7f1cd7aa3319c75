package dev.studio.runtime.mcp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.runtime.mcp.ToolAudit.Outcome;
import java.io.IOException;
import java.util.Objects;

/**
 * Just enough JSON-RPC for the forwarding proxy: the envelope of a request (its id, method and,
 * for tools/call, the tool's name) and the outcome of a response. A streaming parser reads the
 * top-level keys and skips every subtree it does not need, so the arguments and results of a tool
 * call are never built into objects (nor seen by anything that could log them).
 */
final class JsonRpc {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JSON.getFactory();
  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;

  private JsonRpc() {}

  /**
   * A request's envelope: {@code id} null for a notification or a response, {@code tool} set only
   * for tools/call.
   */
  record Envelope(JsonNode id, String method, String tool) {
    boolean isToolCall() {
      return "tools/call".equals(method);
    }

    boolean expectsAnswer() {
      return id != null && !id.isNull() && method != null;
    }
  }

  /** Thrown for a body that is not one JSON object. */
  static final class Malformed extends Exception {
    final int code;

    Malformed(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  static Envelope envelope(byte[] body) throws Malformed {
    try (JsonParser parser = FACTORY.createParser(body)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new Malformed(INVALID_REQUEST, first == JsonToken.START_ARRAY
            ? "send one JSON-RPC message as an object (batches are not supported)" : "send one JSON-RPC message as an object");
      }
      JsonNode id = null;
      String method = null;
      String tool = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "id" -> id = value.isScalarValue() || value == JsonToken.VALUE_NULL ? parser.readValueAsTree() : skip(parser, null);
          case "method" -> method = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          case "params" -> tool = value == JsonToken.START_OBJECT ? toolName(parser) : skip(parser, null);
          default -> parser.skipChildren();
        }
      }
      return new Envelope(id, method, "tools/call".equals(method) ? tool : null);
    } catch (IOException e) {
      throw new Malformed(PARSE_ERROR, "the body is not valid JSON");
    }
  }

  /** params.name, skipping params.arguments and the rest; the parser is at params' START_OBJECT. */
  private static String toolName(JsonParser parser) throws IOException {
    String name = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("name".equals(field) && value == JsonToken.VALUE_STRING) {
        name = parser.getText();
      } else {
        parser.skipChildren();
      }
    }
    return name;
  }

  private static <T> T skip(JsonParser parser, T result) throws IOException {
    parser.skipChildren();
    return result;
  }

  /**
   * The outcome a response message reports: {@code failed} for a JSON-RPC error, {@code
   * tool_error} for a result with {@code isError: true}, {@code ok} otherwise; null when the
   * message is not a response (a request or notification the server sends on the same stream).
   */
  static Outcome outcome(byte[] message, int offset, int length) {
    try (JsonParser parser = FACTORY.createParser(message, offset, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Outcome outcome = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "method" -> {
            return null;
          }
          case "error" -> {
            parser.skipChildren();
            outcome = Outcome.failed;
          }
          case "result" -> {
            if (value == JsonToken.START_OBJECT) {
              outcome = Objects.requireNonNullElse(outcome, isError(parser) ? Outcome.tool_error : Outcome.ok);
            } else {
              parser.skipChildren();
              outcome = Objects.requireNonNullElse(outcome, Outcome.ok);
            }
          }
          default -> parser.skipChildren();
        }
      }
      return outcome;
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean isError(JsonParser parser) throws IOException {
    boolean error = false;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("isError".equals(field)) {
        error = value == JsonToken.VALUE_TRUE;
      } else {
        parser.skipChildren();
      }
    }
    return error;
  }

  static ObjectNode error(JsonNode id, int code, String message) {
    var response = JSON.createObjectNode().put("jsonrpc", "2.0");
    response.set("id", id == null ? JSON.nullNode() : id);
    response.putObject("error").put("code", code).put("message", Objects.requireNonNullElse(message, "error"));
    return response;
  }

  static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON-RPC message does not serialize", e);
    }
  }
}
