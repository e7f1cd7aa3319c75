package dev.studio.daemon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Reads an event stream on a virtual thread, so a test can wait for the events it expects. */
public final class SseReader implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final InputStream body;
  private final BlockingQueue<SseEvent> unread = new LinkedBlockingQueue<>();
  private final List<SseEvent> all = new CopyOnWriteArrayList<>();
  private final List<String> comments = new CopyOnWriteArrayList<>();
  private final Thread reader;
  private volatile boolean ended;

  public SseReader(InputStream body) {
    this.body = body;
    this.reader = Thread.ofVirtual().name("sse-reader").start(this::read);
  }

  private void read() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String id = null;
      String type = "message";
      StringBuilder data = new StringBuilder();
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isEmpty()) {
          if (!data.isEmpty()) {
            SseEvent event = new SseEvent(id, type, JSON.readTree(data.toString()));
            all.add(event);
            unread.add(event);
          }
          id = null;
          type = "message";
          data.setLength(0);
        } else if (line.startsWith(":")) {
          comments.add(line.substring(1).trim());
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          type = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
    } catch (IOException e) {
      // Closed by the test or the server.
    } finally {
      ended = true;
    }
  }

  /** Waits for the next event of that type whose data matches; earlier events are passed over. */
  public SseEvent await(String type, Predicate<JsonNode> matching, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<SseEvent> seen = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      SseEvent event = left > 0 ? unread.poll(left, TimeUnit.NANOSECONDS) : null;
      if (event == null) {
        throw new AssertionError("no '" + type + "' event within " + timeout + "; saw " + seen);
      }
      seen.add(event);
      if (event.type().equals(type) && matching.test(event.data())) {
        return event;
      }
    }
  }

  public SseEvent await(String type, Duration timeout) throws InterruptedException {
    return await(type, data -> true, timeout);
  }

  public List<SseEvent> all() {
    return List.copyOf(all);
  }

  public List<String> comments() {
    return List.copyOf(comments);
  }

  /** True once the server ended the stream. */
  public boolean ended() {
    return ended;
  }

  public void awaitEnd(Duration timeout) throws InterruptedException {
    reader.join(timeout);
    if (!ended) {
      throw new AssertionError("the stream did not end within " + timeout);
    }
  }

  @Override
  public void close() throws IOException {
    body.close();
    reader.interrupt();
  }
}
