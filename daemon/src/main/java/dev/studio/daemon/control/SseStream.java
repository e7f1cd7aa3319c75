package dev.studio.daemon.control;

import dev.studio.daemon.events.StreamEvent;
import dev.studio.daemon.events.Subscription;
import io.javalin.http.Context;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Writes a {@link Subscription} as server-sent events on the request's own (virtual) thread: the replay first, then
 * live events, with a keepalive comment whenever the stream has been quiet for a while. Returns when the
 * subscription ends or the client goes away.
 */
final class SseStream {
  /** Events written before one flush, when many are waiting (a chatty build, say). */
  private static final int BATCH = 256;

  private SseStream() {
  }

  static void serve(Context ctx, Subscription subscription, Duration keepAlive) throws InterruptedException {
    HttpServletResponse response = ctx.res();
    response.setStatus(200);
    response.setContentType("text/event-stream");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-cache");
    response.setHeader("X-Accel-Buffering", "no");
    try (subscription) {
      ServletOutputStream out = response.getOutputStream();
      out.write(": stream open\n\n".getBytes(StandardCharsets.UTF_8));
      if (!subscription.replayComplete()) {
        out.write(": some earlier events are no longer kept and cannot be replayed\n\n".getBytes(StandardCharsets.UTF_8));
      }
      for (StreamEvent event : subscription.replay()) {
        write(out, event);
      }
      out.flush();
      while (true) {
        StreamEvent event = subscription.next(keepAlive);
        if (event == null) {
          if (subscription.ended()) {
            return;
          }
          out.write(": keepalive\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
          continue;
        }
        write(out, event);
        for (int i = 1; i < BATCH && (event = subscription.next(Duration.ZERO)) != null; i++) {
          write(out, event);
        }
        out.flush();
      }
    } catch (IOException clientGone) {
      // The client disconnected; it can resume with Last-Event-ID.
    }
  }

  private static void write(ServletOutputStream out, StreamEvent event) throws IOException {
    // The data is one line of JSON (Jackson escapes newlines), so one data: field carries it.
    String frame = "id: " + event.id() + "\nevent: " + event.type() + "\ndata: " + event.data() + "\n\n";
    out.write(frame.getBytes(StandardCharsets.UTF_8));
  }
}
