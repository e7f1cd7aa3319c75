package dev.studio.runtime.sandbox;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** Calls a sandbox daemon's control API (DESIGN §6) with its token. */
public final class DaemonClient {
  /** A daemon's answer: its status and JSON body, passed on as they are. */
  public record Reply(int status, String body) {
    public boolean ok() {
      return status / 100 == 2;
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** {@code method path} with a JSON body (or none); {@code path} starts with {@code /_sandbox/}. */
  public Reply call(DaemonEndpoint daemon, String method, String path, String json, Duration timeout)
      throws IOException, InterruptedException {
    var request = HttpRequest.newBuilder(daemon.control().resolve(path))
        .timeout(timeout)
        .header("Authorization", "Bearer " + daemon.token().reveal())
        .header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
        .build();
    var response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body());
  }

  /**
   * A call that is safe to make twice (configuration, setup phases, reads), made again once if the
   * connection fails before any answer: a pooled connection the daemon has just closed fails that
   * way, and the request never reached it.
   */
  public Reply callSafely(DaemonEndpoint daemon, String method, String path, String json, Duration timeout)
      throws IOException, InterruptedException {
    try {
      return call(daemon, method, path, json, timeout);
    } catch (HttpTimeoutException e) {
      throw e;
    } catch (IOException e) {
      return call(daemon, method, path, json, timeout);
    }
  }

  /** Whether the daemon answers its health check (on a connection of its own, not the pool's). */
  boolean healthy(DaemonEndpoint daemon) {
    try (var probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      var response = probe.send(HttpRequest.newBuilder(daemon.control().resolve("/health")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
