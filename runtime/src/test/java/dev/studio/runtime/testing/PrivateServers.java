package dev.studio.runtime.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Redis and NATS servers of a test's own, from the machine's binaries, for tests that flush,
 * stop or restart them: doing that to the shared servers would pull the rug from under everything
 * else using them.
 */
public final class PrivateServers {
  private PrivateServers() {}

  /** A redis-server on a free port, keeping nothing on disk. */
  public static final class Redis implements AutoCloseable {
    private final Process process;
    private final int port;

    public Redis() {
      port = freePort();
      process = start(new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
          "--appendonly", "no"));
      awaitPort(port);
    }

    public String url() {
      return "redis://127.0.0.1:" + port;
    }

    public int port() {
      return port;
    }

    @Override
    public void close() {
      stop(process);
    }
  }

  /** A nats-server with JetStream on a free port, storing in a directory that survives restarts. */
  public static final class Nats implements AutoCloseable {
    private final int port;
    private final Path store;
    private Process process;

    public Nats() {
      port = freePort();
      try {
        store = Files.createTempDirectory("nats-store");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      begin();
    }

    private void begin() {
      process = start(new ProcessBuilder("nats-server", "-a", "127.0.0.1", "-p", Integer.toString(port), "-js", "-sd", store.toString()));
      awaitPort(port);
    }

    public String url() {
      return "nats://127.0.0.1:" + port;
    }

    /** Stops the server (SIGTERM) and waits until it is gone. */
    public void stop() {
      PrivateServers.stop(process);
    }

    /** Starts it again on the same port with the same store. */
    public void restart() {
      begin();
    }

    @Override
    public void close() {
      stop();
    }
  }

  private static Process start(ProcessBuilder builder) {
    try {
      return builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + builder.command().get(0) + " (is it installed?)", e);
    }
  }

  private static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static int freePort() {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void awaitPort(int port) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try (var socket = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        RuntimeProcess.sleep(50);
      }
    }
    throw new IllegalStateException("nothing listens on port " + port);
  }
}
