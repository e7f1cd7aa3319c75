package dev.studio.runtime.http;

import jakarta.servlet.http.HttpServletResponse;

/** The start of a response streamed as it is produced (SSE, NDJSON), in one place. */
public final class StreamingResponse {
  private StreamingResponse() {}

  /**
   * A 200 of {@code contentType} that no cache keeps or transforms and no proxy holds back: nginx
   * (the web tier) would otherwise buffer it.
   */
  public static void start(HttpServletResponse response, String contentType) {
    response.setStatus(200);
    response.setContentType(contentType);
    response.setHeader("Cache-Control", "no-cache, no-transform");
    response.setHeader("X-Accel-Buffering", "no");
  }
}
