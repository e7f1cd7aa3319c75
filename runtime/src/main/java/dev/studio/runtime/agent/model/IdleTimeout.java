package dev.studio.runtime.agent.model;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Closes a response stream that stays silent too long, so a hung provider fails the step. */
final class IdleTimeout extends FilterInputStream {
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    var thread = new Thread(r, "model-idle-watchdog");
    thread.setDaemon(true);
    return thread;
  });

  private final Duration idle;
  private final String provider;
  private volatile long lastRead = System.nanoTime();
  private volatile boolean timedOut;
  private final ScheduledFuture<?> check;

  private IdleTimeout(InputStream in, Duration idle, String provider) {
    super(in);
    this.idle = idle;
    this.provider = provider;
    long period = Math.max(100, idle.toMillis() / 4);
    check = WATCHDOG.scheduleAtFixedRate(this::closeIfIdle, period, period, TimeUnit.MILLISECONDS);
  }

  static InputStream guard(InputStream in, Duration idle, String provider) {
    return new IdleTimeout(in, idle, provider);
  }

  private void closeIfIdle() {
    if (System.nanoTime() - lastRead > idle.toNanos()) {
      timedOut = true;
      check.cancel(false);
      try {
        in.close();
      } catch (IOException ignored) {
        // Closing is all we wanted.
      }
    }
  }

  @Override
  public int read() throws IOException {
    try {
      int b = super.read();
      lastRead = System.nanoTime();
      return b;
    } catch (IOException e) {
      throw timedOut ? silence() : e;
    }
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    try {
      int n = super.read(buffer, offset, length);
      lastRead = System.nanoTime();
      return n;
    } catch (IOException e) {
      throw timedOut ? silence() : e;
    }
  }

  private IOException silence() {
    return new IOException(provider + " sent nothing for " + idle.toSeconds() + " s");
  }

  @Override
  public void close() throws IOException {
    check.cancel(false);
    super.close();
  }
}
