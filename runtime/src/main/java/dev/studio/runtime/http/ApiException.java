package dev.studio.runtime.http;

import java.time.Duration;
import java.util.Map;

/**
 * An error a route answers with: a status and the JSON body {@code {"error": {"code", "message",
 * "details"}}} of DESIGN §5. {@code retryAfter} becomes a {@code Retry-After} header.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final Map<String, Object> details;
  private final Duration retryAfter;

  public ApiException(int status, String code, String message, Map<String, Object> details, Duration retryAfter) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }

  public static ApiException badRequest(String field, String message) {
    return new ApiException(400, "invalid_request", message, Map.of("field", field), null);
  }

  public static ApiException malformedJson(String message) {
    return new ApiException(400, "malformed_json", message, Map.of(), null);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, "unauthorized", message, Map.of(), null);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "forbidden", message, Map.of(), null);
  }

  public static ApiException notFound(String what, String id) {
    return new ApiException(404, "not_found", what + " " + id + " does not exist", Map.of(what.replace(' ', '_'), id), null);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, "conflict", message, Map.of(), null);
  }

  public static ApiException tooLarge(long limitBytes) {
    return new ApiException(413, "payload_too_large", "the request body is larger than " + limitBytes + " bytes", Map.of("limitBytes", limitBytes), null);
  }

  public static ApiException rateLimited(String message, Duration retryAfter) {
    return new ApiException(429, "rate_limited", message, Map.of("retryAfterSeconds", seconds(retryAfter)), retryAfter);
  }

  public static ApiException unavailable(String message, Duration retryAfter) {
    return new ApiException(503, "unavailable", message, Map.of("retryAfterSeconds", seconds(retryAfter)), retryAfter);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Map<String, Object> details() {
    return details;
  }

  public Duration retryAfter() {
    return retryAfter;
  }

  static long seconds(Duration duration) {
    return Math.max(1, (duration.toMillis() + 999) / 1000);
  }
}
