package dev.studio.e2e.process;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** An httpGet readiness probe as the kubelet runs it: 2xx or 3xx within a second is ready. */
final class ReadinessProbe {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private ReadinessProbe() {}

  static boolean passes(URI uri) {
    try {
      var response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return response.statusCode() >= 200 && response.statusCode() < 400;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
