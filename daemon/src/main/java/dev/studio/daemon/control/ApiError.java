package dev.studio.daemon.control;

import java.util.Map;

/** The body of every error answer: {@code {"error": {"code", "message", "details"}}}. */
public record ApiError(Body error) {
  public record Body(String code, String message, Map<String, Object> details) {
  }

  public static ApiError of(String code, String message, Map<String, Object> details) {
    return new ApiError(new Body(code, message, details));
  }
}
