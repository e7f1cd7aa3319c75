package dev.studio.runtime.link.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.runtime.agent.model.DeltaSink;
import dev.studio.runtime.agent.model.ModelException;
import dev.studio.runtime.agent.model.ModelRequest;
import dev.studio.runtime.agent.model.ModelResponse;
import dev.studio.runtime.link.LinkProtocol;
import dev.studio.runtime.link.LinkWire;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.UUID;

/**
 * The link's calls of the platform, each with the user's token, the protocol version and the
 * link's id. A refusal becomes a {@link Refused} carrying the platform's error message (never
 * the token).
 */
final class PlatformClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  static final Duration MODEL_TIMEOUT = Duration.ofMinutes(10);
  /** A platform tool may take as long as a sandbox command. */
  static final Duration TOOL_TIMEOUT = Duration.ofMinutes(5);

  private final LinkConfig config;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** The platform answered with an error status. */
  static final class Refused extends IOException {
    final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  PlatformClient(LinkConfig config) {
    this.config = config;
  }

  /** The heartbeat; the answer says how often to beat. */
  JsonNode presence(ObjectNode beat) throws IOException, InterruptedException {
    return json(send(request("/api/links/presence", CALL_TIMEOUT).PUT(body(beat))));
  }

  void leave() throws IOException, InterruptedException {
    send(request("/api/links/presence", Duration.ofSeconds(5)).DELETE());
  }

  /** The next run for this user's link, waiting up to {@code seconds}. */
  Optional<JsonNode> poll(int seconds) throws IOException, InterruptedException {
    var response = send(request("/api/links/work?timeout=" + seconds, Duration.ofSeconds(seconds + 30)).GET());
    return response.statusCode() == 204 ? Optional.empty() : Optional.of(json(response));
  }

  JsonNode chunks(String org, UUID run, ObjectNode body) throws IOException, InterruptedException {
    return json(send(request("/api/" + org + "/links/runs/" + run + "/chunks", CALL_TIMEOUT).POST(body(body))));
  }

  /** A platform tool, by the signed path its work item gave. */
  JsonNode tool(String signedPath, ObjectNode body) throws IOException, InterruptedException {
    return json(send(request(signedPath, TOOL_TIMEOUT).POST(body(body))));
  }

  /** One model call, made by the platform; deltas reach {@code sink} as the platform streams them. */
  ModelResponse model(String org, UUID run, int attempt, ModelRequest request, DeltaSink sink) throws InterruptedException {
    var body = JSON.createObjectNode().put("attempt", attempt);
    body.set("request", LinkWire.request(request));
    HttpResponse<java.util.stream.Stream<String>> response;
    try {
      response = http.send(request("/api/" + org + "/links/runs/" + run + "/model", MODEL_TIMEOUT).POST(body(body)).build(),
          HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      throw new ModelException("the platform could not be reached for a model call: " + e.getMessage(), true, e);
    }
    if (response.statusCode() / 100 != 2) {
      String text = String.join("\n", response.body().toList());
      throw new ModelException("the platform refused the model call (" + response.statusCode() + "): " + message(text),
          response.statusCode() >= 500);
    }
    try (var lines = response.body()) {
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (line.isBlank()) {
          continue;
        }
        JsonNode node = JSON.readTree(line);
        if (node.has("delta")) {
          sink.text(node.get("delta").asText());
        } else if (node.has("response")) {
          return LinkWire.response(node.get("response"));
        } else if (node.has("error")) {
          throw new ModelException(node.get("error").path("message").asText("the model failed"),
              node.get("error").path("retryable").asBoolean());
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new ModelException("the model call's answer broke off: " + e.getMessage(), true, e);
    }
    throw new ModelException("the model call's answer ended early", true);
  }

  private HttpRequest.Builder request(String pathAndQuery, Duration timeout) {
    return HttpRequest.newBuilder(URI.create(config.url() + pathAndQuery))
        .timeout(timeout)
        .header("Authorization", "Bearer " + config.token().reveal())
        .header(LinkProtocol.HEADER, LinkProtocol.VERSION)
        .header(LinkProtocol.LINK_ID, config.linkId())
        .header("Content-Type", "application/json");
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new Refused(response.statusCode(), response.statusCode() + ": " + message(response.body()));
    }
    return response;
  }

  private static HttpRequest.BodyPublisher body(JsonNode node) {
    return HttpRequest.BodyPublishers.ofString(node.toString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
  }

  /** The message of the platform's error shape, or the body's start. */
  private static String message(String body) {
    try {
      var node = JSON.readTree(body);
      if (node.path("error").has("message")) {
        return node.path("error").path("message").asText();
      }
    } catch (IOException notJson) {
      // fall through
    }
    return body.length() > 200 ? body.substring(0, 200) : body;
  }
}
