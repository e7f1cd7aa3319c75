package dev.studio.daemon.preview;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The small pages the preview answers itself. */
final class ErrorPages {
  private static final byte[] NOT_RUNNING = """
      <!doctype html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta http-equiv="refresh" content="3">
      <title>Starting…</title>
      <style>
        body { font: 16px/1.5 system-ui, sans-serif; color: #444; display: grid; place-items: center; min-height: 90vh; margin: 0; }
        main { text-align: center; max-width: 28rem; padding: 1rem; }
        h1 { font-size: 1.25rem; color: #222; }
      </style>
      </head>
      <body>
      <main>
      <h1>The app is not running yet</h1>
      <p>Its dev server is starting or has stopped. This page tries again every few seconds.</p>
      </main>
      </body>
      </html>
      """.getBytes(StandardCharsets.UTF_8);

  private static final byte[] NOT_FOUND = "{\"error\":{\"code\":\"not_found\",\"message\":\"not found\",\"details\":{}}}"
      .getBytes(StandardCharsets.UTF_8);

  private ErrorPages() {
  }

  /** 502 with a page that reloads itself, for when nothing listens on the dev server's port. */
  static void devServerNotRunning(Response response, Callback callback) {
    response.setStatus(502);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, NOT_RUNNING.length);
    response.write(true, ByteBuffer.wrap(NOT_RUNNING), callback);
  }

  static void notFound(Response response, Callback callback) {
    response.setStatus(404);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, NOT_FOUND.length);
    response.write(true, ByteBuffer.wrap(NOT_FOUND), callback);
  }
}
