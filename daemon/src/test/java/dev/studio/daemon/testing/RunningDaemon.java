package dev.studio.daemon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.daemon.Daemon;
import dev.studio.daemon.DaemonConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** A real daemon in this JVM, on ephemeral ports, with a client that speaks its control API. */
public final class RunningDaemon implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Daemon daemon;
  private final Path workspace;
  private final Path orgfsConfig;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private volatile String token;

  private RunningDaemon(Daemon daemon, Path workspace, Path orgfsConfig, String token) {
    this.daemon = daemon;
    this.workspace = workspace;
    this.orgfsConfig = orgfsConfig;
    this.token = token;
  }

  public static RunningDaemon start(Path dir) {
    return start(dir, Daemon.SSE_KEEPALIVE);
  }

  public static RunningDaemon start(Path dir, Duration keepAlive) {
    try {
      Path workspace = Files.createDirectories(dir.resolve("workspace"));
      Path orgfs = dir.resolve("run/orgfs/config.json");
      String token = "test-" + UUID.randomUUID();
      DaemonConfig config = DaemonConfig.fromEnv(Map.of(
          DaemonConfig.TOKEN, token,
          DaemonConfig.WORKSPACE, workspace.toString(),
          DaemonConfig.BIND_ADDRESS, "127.0.0.1",
          DaemonConfig.CONTROL_PORT, "0",
          DaemonConfig.PREVIEW_PORT, "0",
          DaemonConfig.ORGFS_CONFIG, orgfs.toString()));
      RunningDaemon daemon = new RunningDaemon(Daemon.start(config, keepAlive), workspace.toRealPath(), orgfs, token);
      daemon.post("/_sandbox/config", Map.of("env", hermeticEnv(dir)));
      return daemon;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("the daemon did not start", e);
    }
  }

  /**
   * The commands the daemon runs are login shells ({@code bash -lc}): with the test machine's own HOME they would
   * run its ~/.profile (pyenv, cargo...), slowly, and a test that kills a shell could leave that profile's lock
   * files behind. An empty HOME keeps the tests to the system profile only.
   */
  public static Map<String, String> hermeticEnv(Path dir) {
    try {
      return Map.of("HOME", Files.createDirectories(dir.resolve("home")).toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path workspace() {
    return workspace;
  }

  public Path orgfsConfig() {
    return orgfsConfig;
  }

  public String token() {
    return token;
  }

  /** After a rotation through the API, the client uses the new token. */
  public void useToken(String newToken) {
    this.token = newToken;
  }

  public Daemon daemon() {
    return daemon;
  }

  public URI control(String path) {
    return URI.create("http://127.0.0.1:" + daemon.controlPort() + path);
  }

  public URI preview(String path) {
    return URI.create("http://127.0.0.1:" + daemon.previewPort() + path);
  }

  public HttpClient http() {
    return http;
  }

  public Reply post(String path, Object body) {
    return send("POST", path, toJson(body), token);
  }

  public Reply get(String path) {
    return send("GET", path, null, token);
  }

  /** Any request, with any bearer token (null for none). */
  public Reply send(String method, String path, String jsonBody, String bearer) {
    HttpRequest.Builder request = HttpRequest.newBuilder(control(path)).timeout(Duration.ofSeconds(60))
        .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    if (jsonBody != null) {
      request.header("Content-Type", "application/json");
    }
    return exchange(request.build());
  }

  public Reply exchange(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body(), parse(response), response.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Opens an event stream of the control API (with {@code Last-Event-ID} when given). */
  public SseReader stream(String path, String lastEventId) {
    HttpRequest.Builder request = HttpRequest.newBuilder(control(path))
        .header("Authorization", "Bearer " + token)
        .header("Accept", "text/event-stream");
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    try {
      HttpResponse<InputStream> response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        throw new AssertionError(path + " answered " + response.statusCode() + ": "
            + new String(response.body().readAllBytes()));
      }
      return new SseReader(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static String toJson(Object body) {
    if (body == null) {
      return null;
    }
    if (body instanceof String text) {
      return text;
    }
    try {
      return JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode parse(HttpResponse<String> response) {
    boolean json = response.headers().firstValue("Content-Type").map(type -> type.contains("json")).orElse(false);
    if (!json || response.body().isEmpty()) {
      return null;
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    daemon.close();
  }
}
