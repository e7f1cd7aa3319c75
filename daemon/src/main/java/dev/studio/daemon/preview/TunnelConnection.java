package dev.studio.daemon.preview;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.FutureCallback;

/**
 * After a WebSocket handshake succeeded upstream, the browser's connection becomes a byte pipe to the dev server:
 * frames, pings and extensions pass through untouched. Browser to server is read by Jetty and written to the
 * socket; server to browser is read on a virtual thread and written to Jetty. Each direction closes on its own,
 * and the connection ends when both have.
 */
final class TunnelConnection extends AbstractConnection implements Connection.UpgradeTo {
  /** A preview tab may sit open and quiet for a long time; dev servers' HMR sockets ping far more often. */
  private static final long IDLE_TIMEOUT_MS = 60 * 60 * 1000;
  private static final int BUFFER_SIZE = 16 * 1024;

  private final Socket upstream;
  private final byte[] fromUpstreamFirst;
  private final ByteBuffer fromClient = BufferUtil.allocate(BUFFER_SIZE);
  private final AtomicInteger directionsOpen = new AtomicInteger(2);
  private ByteBuffer fromClientFirst;

  TunnelConnection(EndPoint endPoint, Executor executor, Socket upstream, byte[] fromUpstreamFirst) {
    super(endPoint, executor);
    this.upstream = upstream;
    this.fromUpstreamFirst = fromUpstreamFirst;
  }

  @Override
  public void onUpgradeTo(ByteBuffer buffer) {
    // Bytes the browser sent right behind its handshake, already read by the HTTP connection.
    fromClientFirst = BufferUtil.copy(buffer);
  }

  @Override
  public void onOpen() {
    super.onOpen();
    getEndPoint().setIdleTimeout(IDLE_TIMEOUT_MS);
    try {
      if (fromClientFirst != null && fromClientFirst.hasRemaining()) {
        writeUpstream(fromClientFirst);
      }
    } catch (IOException e) {
      close();
      return;
    }
    Thread.ofVirtual().name("ws-tunnel-upstream").start(this::pumpFromUpstream);
    fillInterested();
  }

  @Override
  public void onFillable() {
    try {
      while (true) {
        int n = getEndPoint().fill(fromClient);
        if (n > 0) {
          writeUpstream(fromClient);
          BufferUtil.clear(fromClient);
        } else if (n == 0) {
          fillInterested();
          return;
        } else {
          upstream.shutdownOutput();
          directionClosed();
          return;
        }
      }
    } catch (IOException e) {
      close();
    }
  }

  private void writeUpstream(ByteBuffer buffer) throws IOException {
    OutputStream out = upstream.getOutputStream();
    if (buffer.hasArray()) {
      out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
    } else {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      out.write(bytes);
    }
    out.flush();
  }

  private void pumpFromUpstream() {
    try {
      if (fromUpstreamFirst.length > 0) {
        writeClient(fromUpstreamFirst, fromUpstreamFirst.length);
      }
      InputStream in = upstream.getInputStream();
      byte[] buffer = new byte[BUFFER_SIZE];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        writeClient(buffer, n);
      }
      getEndPoint().shutdownOutput();
      directionClosed();
    } catch (IOException | RuntimeException e) {
      close();
    }
  }

  private void writeClient(byte[] bytes, int length) throws IOException {
    FutureCallback written = new FutureCallback();
    getEndPoint().write(written, ByteBuffer.wrap(bytes, 0, length));
    try {
      written.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException("browser connection failed", e.getCause());
    }
  }

  private void directionClosed() {
    if (directionsOpen.decrementAndGet() == 0) {
      close();
    }
  }

  @Override
  public boolean onIdleExpired(TimeoutException timeout) {
    close();
    return true;
  }

  @Override
  public void onClose(Throwable cause) {
    super.onClose(cause);
    try {
      upstream.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }
}
