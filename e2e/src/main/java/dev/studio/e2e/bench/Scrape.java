package dev.studio.e2e.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.OptionalDouble;
import java.util.stream.DoubleStream;

/** A process's own figures, read from its Prometheus {@code /metrics} as a scraper would. */
final class Scrape {
  private Scrape() {}

  /** The metrics text of the process serving at {@code base} (e.g. http://127.0.0.1:8080). */
  static String metrics(String base) throws Exception {
    try (var http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    }
  }

  /**
   * The sum of the samples of metric {@code name} whose labels contain {@code labels} (empty for
   * any); empty if there is no such sample.
   */
  static OptionalDouble sum(String metrics, String name, String labels) {
    var values = metrics.lines()
        .filter(l -> (l.startsWith(name + "{") || l.startsWith(name + " ")) && l.contains(labels))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .toArray();
    return values.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(DoubleStream.of(values).sum());
  }
}
