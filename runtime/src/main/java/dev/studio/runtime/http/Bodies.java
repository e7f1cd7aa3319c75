package dev.studio.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.http.Context;
import java.util.stream.Collectors;

/**
 * Request bodies: JSON into a record, with a 400 naming the field for anything wrong (malformed
 * JSON, an unknown field, a wrong type).
 */
public final class Bodies {
  private static final ObjectMapper JSON = strict();

  /** Unknown fields are errors, and a number or a boolean is not taken for a string. */
  private static ObjectMapper strict() {
    var mapper = HttpServer.objectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper;
  }

  private Bodies() {}

  public static <T> T read(Context ctx, Class<T> type) {
    String body = ctx.body();
    if (body.isBlank()) {
      throw ApiException.badRequest("body", "a JSON body is required");
    }
    try {
      T value = JSON.readValue(body, type);
      if (value == null) {
        throw ApiException.badRequest("body", "a JSON object is required");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw ApiException.badRequest(e.getPropertyName(), "unknown field '" + e.getPropertyName() + "'");
    } catch (MismatchedInputException e) {
      String field = path(e);
      throw ApiException.badRequest(field.isEmpty() ? "body" : field,
          field.isEmpty() ? "the body must be a JSON object" : field + " has the wrong type");
    } catch (JsonProcessingException e) {
      throw ApiException.malformedJson("the body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  /** A required string field, trimmed, of at most {@code max} characters. */
  public static String required(String field, String value, int max) {
    if (value == null || value.isBlank()) {
      throw ApiException.badRequest(field, field + " is required");
    }
    return bounded(field, value.strip(), max);
  }

  public static String bounded(String field, String value, int max) {
    if (value != null && value.length() > max) {
      throw ApiException.badRequest(field, field + " is longer than " + max + " characters");
    }
    return value;
  }
}
