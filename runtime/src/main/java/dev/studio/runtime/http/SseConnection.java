package dev.studio.runtime.http;

import dev.studio.runtime.stream.Viewer;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * An SSE response in servlet non-blocking mode: whichever thread has a frame for the viewer writes
 * it, as long as the container says a write will not block; otherwise the container calls back
 * when the socket drained. {@link #done} completes when the stream is over.
 */
final class SseConnection implements Viewer.Connection, WriteListener, AsyncListener {
  private final ServletOutputStream out;
  private final Viewer viewer;
  final CompletableFuture<Void> done = new CompletableFuture<>();

  SseConnection(ServletOutputStream out, Viewer viewer) {
    this.out = out;
    this.viewer = viewer;
  }

  @Override
  public boolean ready() {
    return out.isReady();
  }

  @Override
  public void write(byte[] bytes) throws IOException {
    out.write(bytes);
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /**
   * Called with the viewer's lock held, perhaps by the thread delivering an event: completing the
   * response runs Javalin's and Jetty's end of request, which belongs on a thread of its own.
   */
  @Override
  public void end() {
    Thread.startVirtualThread(() -> done.complete(null));
  }

  @Override
  public void onWritePossible() {
    viewer.writable(this);
  }

  @Override
  public void onError(Throwable failure) {
    viewer.fail(this);
  }

  @Override
  public void onError(AsyncEvent event) {
    viewer.fail(this);
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    viewer.fail(this);
  }

  @Override
  public void onComplete(AsyncEvent event) {
    done.complete(null);
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
    // Nothing to do: the listener is added after the request went async.
  }
}
