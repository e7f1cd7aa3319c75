package dev.studio.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A client of the studio HTTP API, as a user's program would be. */
public final class Api {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;
  private final String token;

  /** An answer: status, headers and the JSON body (null if the body is not JSON). */
  public record Response(int status, Map<String, java.util.List<String>> headers, String text, JsonNode json) {
    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }

    public String at(String pointer) {
      return json == null ? null : json.at(pointer).asText(null);
    }
  }

  public Api(String base, String token) {
    this.base = base;
    this.token = token;
  }

  public Api as(String otherToken) {
    return new Api(base, otherToken);
  }

  public String base() {
    return base;
  }

  public String token() {
    return token;
  }

  /** The same caller, against another process of the platform. */
  public Api at(int port) {
    return new Api("http://127.0.0.1:" + port, token);
  }

  public Response get(String path) {
    return send(request(path).GET());
  }

  public Response post(String path, Object body) {
    return postRaw(path, body instanceof String s ? s : json(body));
  }

  public Response postRaw(String path, String body) {
    return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Response delete(String path) {
    return send(request(path).DELETE());
  }

  /** Any request, with a raw body (null for none) and extra headers. */
  public Response send(String method, String path, byte[] body, Map<String, String> headers) {
    var builder = request(path).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    // HttpClient sets Expect itself: a caller asking for 100-continue gets the client's own support,
    // so a server refusing the body (413) answers before it is sent rather than cutting it off.
    headers.forEach((name, value) -> {
      if (name.equalsIgnoreCase("Expect") && value.equalsIgnoreCase("100-continue")) {
        builder.expectContinue(true);
      } else {
        builder.header(name, value);
      }
    });
    return send(builder);
  }

  /** A GET whose answer is bytes, not text. */
  public Bytes bytes(String path) {
    try {
      var response = HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Bytes(response.statusCode(), response.headers().map(), response.body());
    } catch (Exception e) {
      throw new IllegalStateException("request failed: " + e.getMessage(), e);
    }
  }

  /** An answer read as bytes. */
  public record Bytes(int status, Map<String, java.util.List<String>> headers, byte[] body) {
    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  private HttpRequest.Builder request(String path) {
    var builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private static Response send(HttpRequest.Builder request) {
    try {
      var response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      try {
        json = response.body().isBlank() ? null : JSON.readTree(response.body());
      } catch (Exception notJson) {
        // Not every answer is JSON.
      }
      return new Response(response.statusCode(), response.headers().map(), response.body(), json);
    } catch (Exception e) {
      throw new IllegalStateException("request failed: " + e.getMessage(), e);
    }
  }

  public static String json(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
