package dev.studio.runtime.agent.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The HTTP side of a model call: POST a JSON body, get an event stream back. Refusals worth
 * retrying (429, 5xx, 529 overloaded, a dropped connection) are retried with exponential backoff
 * and jitter, honouring {@code retry-after}, but only before the stream started: once text reached
 * the user, a retry would repeat it, so the caller decides.
 */
final class ModelHttp {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Limits of a provider's HTTP calls. */
  record Limits(Duration connect, Duration firstByte, Duration idle, int attempts, Duration backoff, Duration maxBackoff) {
    static final Limits DEFAULT = new Limits(Duration.ofSeconds(10), Duration.ofSeconds(120), Duration.ofSeconds(120), 4,
        Duration.ofMillis(500), Duration.ofSeconds(20));
  }

  private final HttpClient client;
  private final Limits limits;
  private final String provider;

  ModelHttp(String provider, Limits limits) {
    this.provider = provider;
    this.limits = limits;
    this.client = HttpClient.newBuilder().connectTimeout(limits.connect()).version(HttpClient.Version.HTTP_1_1).build();
  }

  /** Opens the stream of a successful response, retrying refusals as described above. */
  InputStream post(URI uri, Map<String, String> headers, Object body) throws InterruptedException {
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new ModelException(provider + ": cannot encode the request", false, e);
    }
    Duration wait = limits.backoff();
    for (int attempt = 1; ; attempt++) {
      var request = HttpRequest.newBuilder(uri).timeout(limits.firstByte()).POST(HttpRequest.BodyPublishers.ofByteArray(json));
      headers.forEach(request::header);
      request.header("content-type", "application/json").header("accept", "text/event-stream");
      HttpResponse<InputStream> response;
      try {
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (HttpTimeoutException e) {
        if (attempt >= limits.attempts()) {
          throw new ModelException(provider + " did not answer within " + limits.firstByte().toSeconds() + " s", true, e);
        }
        wait = sleep(wait, null);
        continue;
      } catch (IOException e) {
        if (attempt >= limits.attempts()) {
          String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(); // a refused connect has none
          throw new ModelException(provider + " is unreachable: " + why, true, e);
        }
        wait = sleep(wait, null);
        continue;
      }
      int status = response.statusCode();
      if (status == 200) {
        return IdleTimeout.guard(response.body(), limits.idle(), provider);
      }
      String detail = errorDetail(response, headers);
      boolean retryable = status == 429 || status == 529 || status >= 500;
      if (!retryable || attempt >= limits.attempts()) {
        throw new ModelException(provider + " answered " + status + (detail.isEmpty() ? "" : ": " + detail), retryable);
      }
      wait = sleep(wait, response.headers().firstValue("retry-after").orElse(null));
    }
  }

  private Duration sleep(Duration wait, String retryAfter) throws InterruptedException {
    Duration pause = wait;
    if (retryAfter != null) {
      try {
        pause = Duration.ofSeconds(Long.parseLong(retryAfter.trim()));
      } catch (NumberFormatException ignored) {
        // An HTTP date: keep our own backoff.
      }
    }
    if (pause.compareTo(limits.maxBackoff()) > 0) {
      pause = limits.maxBackoff();
    }
    long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, pause.toMillis() / 4));
    Thread.sleep(pause.toMillis() + jitter);
    Duration next = wait.multipliedBy(2);
    return next.compareTo(limits.maxBackoff()) > 0 ? limits.maxBackoff() : next;
  }

  /** The text without our credentials: some providers and gateways echo the key they refused. */
  private static String redact(String text, Map<String, String> headers) {
    String redacted = text;
    for (var header : headers.entrySet()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (name.equals("authorization") || name.equals("x-api-key")) {
        String secret = header.getValue().replaceFirst("(?i)^bearer\\s+", "");
        if (!secret.isBlank()) {
          redacted = redacted.replace(secret, "****");
        }
      }
    }
    return redacted;
  }

  /** The provider's own error message, if its body has one (never our request or key). */
  private static String errorDetail(HttpResponse<InputStream> response, Map<String, String> headers) {
    try (InputStream in = response.body()) {
      String body = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
      var node = JSON.readTree(body);
      var error = node.path("error");
      String message = redact(error.isTextual() ? error.asText() : error.path("message").asText(""), headers);
      return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    } catch (Exception e) {
      return "";
    }
  }
}
