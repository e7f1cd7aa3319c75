package dev.studio.daemon.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.daemon.DaemonException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A request's JSON object body, read with a size cap, with typed accessors that answer 400 naming the field
 * that is missing or of the wrong type.
 */
final class JsonBody {
  /** Large enough for a 16 MiB file sent as base64. */
  static final long MAX_BYTES = 32L * 1024 * 1024;

  private final ObjectNode node;
  private final byte[] raw;

  private JsonBody(ObjectNode node, byte[] raw) {
    this.node = node;
    this.raw = raw;
  }

  static JsonBody read(Context ctx, ObjectMapper json) throws IOException {
    byte[] bytes = readCapped(ctx);
    if (bytes.length == 0) {
      return new JsonBody(json.createObjectNode(), bytes);
    }
    JsonNode parsed;
    try {
      parsed = json.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new DaemonException(DaemonException.Kind.BAD_REQUEST, "invalid_json",
          "the body is not valid JSON: " + e.getOriginalMessage(), Map.of("field", "body"));
    }
    if (!(parsed instanceof ObjectNode object)) {
      throw new DaemonException(DaemonException.Kind.BAD_REQUEST, "invalid_json", "the body must be a JSON object",
          Map.of("field", "body"));
    }
    return new JsonBody(object, bytes);
  }

  private static byte[] readCapped(Context ctx) throws IOException {
    long declared = ctx.req().getContentLengthLong();
    if (declared > MAX_BYTES) {
      throw DaemonException.tooLarge("the body has " + declared + " bytes, more than " + MAX_BYTES, MAX_BYTES);
    }
    try (InputStream in = ctx.bodyInputStream()) {
      byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw DaemonException.tooLarge("the body is larger than " + MAX_BYTES + " bytes", MAX_BYTES);
      }
      return bytes;
    }
  }

  /** The body exactly as sent. */
  byte[] raw() {
    return raw;
  }

  ObjectNode node() {
    return node;
  }

  boolean has(String field) {
    return node.hasNonNull(field);
  }

  String requiredString(String field) {
    String value = optionalString(field);
    if (value == null) {
      throw DaemonException.invalidField(field, "is required");
    }
    return value;
  }

  String optionalString(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw DaemonException.invalidField(field, "must be a string");
    }
    return value.asText();
  }

  Integer optionalInt(String field, int min, int max) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < min || value.asInt() > max) {
      throw DaemonException.invalidField(field, "must be an integer from " + min + " to " + max);
    }
    return value.asInt();
  }

  Boolean optionalBoolean(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isBoolean()) {
      throw DaemonException.invalidField(field, "must be true or false");
    }
    return value.asBoolean();
  }

  List<String> optionalStringList(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isArray()) {
      throw DaemonException.invalidField(field, "must be an array of strings");
    }
    List<String> items = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      if (!value.get(i).isTextual()) {
        throw DaemonException.invalidField(field + "[" + i + "]", "must be a string");
      }
      items.add(value.get(i).asText());
    }
    return items;
  }

  ObjectNode optionalObject(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!(value instanceof ObjectNode object)) {
      throw DaemonException.invalidField(field, "must be an object");
    }
    return object;
  }
}
