package dev.studio.daemon;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the daemon refuses or cannot carry out, in terms a client can act on. Features throw it; the control
 * API turns its kind into an HTTP status and its code, message and details into the JSON error body.
 */
public final class DaemonException extends RuntimeException {
  public enum Kind { BAD_REQUEST, NOT_FOUND, CONFLICT, TOO_LARGE, UNAVAILABLE }

  private final Kind kind;
  private final String code;
  private final Map<String, Object> details;

  public DaemonException(Kind kind, String code, String message, Map<String, Object> details) {
    super(message);
    this.kind = kind;
    this.code = code;
    this.details = Map.copyOf(details);
  }

  /** A field of the request is missing or malformed; the details name it. */
  public static DaemonException invalidField(String field, String message) {
    return new DaemonException(Kind.BAD_REQUEST, "invalid_request", field + ": " + message, Map.of("field", field));
  }

  public static DaemonException badRequest(String code, String field, String message) {
    return new DaemonException(Kind.BAD_REQUEST, code, field + ": " + message, Map.of("field", field));
  }

  public static DaemonException notFound(String code, String message, Map<String, Object> details) {
    return new DaemonException(Kind.NOT_FOUND, code, message, details);
  }

  public static DaemonException conflict(String code, String message, Map<String, Object> details) {
    return new DaemonException(Kind.CONFLICT, code, message, details);
  }

  public static DaemonException tooLarge(String message, long limitBytes) {
    return new DaemonException(Kind.TOO_LARGE, "too_large", message, Map.of("limitBytes", limitBytes));
  }

  public DaemonException withDetail(String key, Object value) {
    Map<String, Object> merged = new LinkedHashMap<>(details);
    merged.put(key, value);
    return new DaemonException(kind, code, getMessage(), merged);
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return code;
  }

  public Map<String, Object> details() {
    return details;
  }
}
