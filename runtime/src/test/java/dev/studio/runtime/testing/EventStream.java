package dev.studio.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** An SSE client of a thread's stream, as a browser's EventSource would be. */
public final class EventStream implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** One event as received. */
  public record Event(long id, String type, JsonNode data) {
    public String runId() {
      return data.path("runId").asText(null);
    }
  }

  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final List<String> comments = new CopyOnWriteArrayList<>();
  private final Thread reader;
  private volatile InputStream body;
  private volatile int status;
  private volatile boolean ended;

  public EventStream(String url, String token, Long lastEventId) {
    var request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).header("Accept", "text/event-stream");
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId.toString());
    }
    reader = Thread.ofVirtual().start(() -> read(request.build()));
  }

  private void read(HttpRequest request) {
    try {
      var response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
      status = response.statusCode();
      body = response.body();
      var lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
      Long id = null;
      String type = null;
      StringBuilder data = null;
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isEmpty()) {
          if (data != null) {
            events.add(new Event(id == null ? -1 : id, type, Api.JSON.readTree(data.toString())));
          }
          id = null;
          type = null;
          data = null;
        } else if (line.startsWith(":")) {
          comments.add(line.substring(1).trim());
        } else if (line.startsWith("id: ")) {
          id = Long.parseLong(line.substring(4));
        } else if (line.startsWith("event: ")) {
          type = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
        }
      }
    } catch (Exception e) {
      // Closed by the test, or the server went away.
    } finally {
      ended = true;
    }
  }

  public List<Event> events() {
    return new ArrayList<>(events);
  }

  public List<Event> events(String runId) {
    return events.stream().filter(e -> runId.equals(e.runId())).toList();
  }

  public List<String> comments() {
    return new ArrayList<>(comments);
  }

  public int status() {
    return status;
  }

  public boolean ended() {
    return ended;
  }

  /** Waits for an event matching {@code test}; fails after {@code timeout}. */
  public Event await(Predicate<Event> test, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (Event event : events) {
        if (test.test(event)) {
          return event;
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("no matching event within " + timeout + "; got " + events.stream().map(Event::type).toList());
  }

  public Event awaitType(String runId, String type, Duration timeout) {
    return await(e -> type.equals(e.type()) && runId.equals(e.runId()), timeout);
  }

  @Override
  public void close() {
    try {
      if (body != null) {
        body.close();
      }
    } catch (Exception ignored) {
      // Closing is all we wanted.
    }
    reader.interrupt();
  }
}
