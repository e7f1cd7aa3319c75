package dev.studio.daemon.preview;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.TryExecutor;

/**
 * The preview connector's executor: the server's pool, except that a connection is run in the calling thread
 * when the server's handling never blocks.
 *
 * <p>Why: once a proxied response is sent, Jetty resumes the browser's keep-alive connection by executing the
 * connection. The response ends on the upstream client's selector thread, so otherwise every request pays for
 * waking a pool thread, which then only tries a read (the browser has usually not sent its next request yet) and
 * hands the socket back to the selector. When the handlers do not block, that read, or the next request, can as
 * well be run right here. Everything else (acceptor, selector loops, blocking tasks) goes to the pool.
 */
final class InlineConnectionExecutor implements TryExecutor {
  private final TryExecutor pool;
  private final Invocable handling;

  /** {@code handling} is what connections run: the server, whose invocation type says whether it may block. */
  InlineConnectionExecutor(TryExecutor pool, Invocable handling) {
    this.pool = pool;
    this.handling = handling;
  }

  @Override
  public void execute(Runnable task) {
    if (task instanceof Connection && handling.getInvocationType() == Invocable.InvocationType.NON_BLOCKING) {
      task.run();
    } else {
      pool.execute(task);
    }
  }

  @Override
  public boolean tryExecute(Runnable task) {
    return pool.tryExecute(task);
  }
}
