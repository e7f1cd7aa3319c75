package dev.studio.runtime.link.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.runtime.store.Step;
import dev.studio.runtime.store.StepLog;
import dev.studio.runtime.stream.EventPublisher;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A linked run's output on its way to the platform, in one ordered channel: stream events, journal
 * writes and the run's end go into one buffer and are posted together as chunks, so the platform
 * applies them in exactly the order the loop made them. Events wait up to {@link #FLUSH_EVERY_MS}
 * (text deltas come in bursts: one post carries many); a journal write is posted at once, since
 * the loop must know whether its attempt still owns the run before the step's side effect. When
 * the platform says the run is over for this attempt (cancelled, ended), {@link #stopReason} says
 * so and the loop stops.
 */
final class ChunkStream implements EventPublisher, StepLog, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChunkStream.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final long FLUSH_EVERY_MS = 100;
  static final int POST_ATTEMPTS = 4;

  private final PlatformClient platform;
  private final String org;
  private final UUID run;
  private final int attempt;
  private final List<ObjectNode> pending = new ArrayList<>();
  private final Thread flusher;
  private volatile String stop;
  private volatile String sandbox;
  private boolean sandboxSent;
  private volatile boolean closed;

  ChunkStream(PlatformClient platform, String org, UUID run, int attempt) {
    this.platform = platform;
    this.org = org;
    this.run = run;
    this.attempt = attempt;
    flusher = Thread.ofVirtual().name("chunks-" + run).start(this::flushEvery);
  }

  @Override
  public void publish(UUID thread, String type, ObjectNode data, String messageId, Runnable acknowledged) {
    var chunk = JSON.createObjectNode();
    // The platform names the message id within the run's own id space; this part keeps it stable.
    chunk.putObject("event").put("type", type).put("id", messageId.startsWith(run + ":") ? messageId.substring(run.toString().length() + 1)
        : messageId).set("data", data);
    synchronized (this) {
      pending.add(chunk);
    }
    if (acknowledged != null) {
      acknowledged.run();
    }
  }

  @Override
  public boolean begin(UUID runId, int attempt, int step, Step.Kind kind, String toolName, String toolCallId, boolean idempotent,
      JsonNode input) {
    var chunk = JSON.createObjectNode();
    var begin = chunk.putObject("begin").put("step", step).put("kind", kind.name()).put("toolName", toolName)
        .put("toolCallId", toolCallId).put("idempotent", idempotent);
    begin.set("input", input);
    return send(chunk);
  }

  @Override
  public boolean end(UUID runId, int attempt, int step, boolean ok, JsonNode output) {
    var chunk = JSON.createObjectNode();
    chunk.putObject("end").put("step", step).put("ok", ok).set("output", output);
    return send(chunk);
  }

  /** The run's end as the loop reached it ({@code state}: completed, failed or interrupted). */
  boolean finish(ObjectNode finish) {
    var chunk = JSON.createObjectNode();
    chunk.set("finish", finish);
    return send(chunk);
  }

  /** Names the sandbox the run works in; the platform records it on the run with the next post. */
  void sandbox(String name) {
    if (sandbox == null) {
      sandbox = name;
    }
  }

  /** Why the loop must stop, or null to go on. */
  String stopReason() {
    return stop;
  }

  private synchronized boolean send(ObjectNode chunk) {
    pending.add(chunk);
    return flush();
  }

  /** Posts what is pending; false if the platform refused (the run is over for this attempt) or is unreachable. */
  private synchronized boolean flush() {
    boolean withSandbox = sandbox != null && !sandboxSent;
    if (pending.isEmpty() && !withSandbox) {
      return stop == null;
    }
    var body = JSON.createObjectNode().put("attempt", attempt);
    if (withSandbox) {
      body.put("sandbox", sandbox);
    }
    body.putArray("chunks").addAll(pending);
    for (int i = 1; ; i++) {
      try {
        var answer = platform.chunks(org, run, body);
        pending.clear();
        sandboxSent |= withSandbox;
        if (!answer.path("ok").asBoolean()) {
          stop = answer.path("stop").asText("the platform refused the run's output");
          return false;
        }
        return true;
      } catch (PlatformClient.Refused e) {
        pending.clear();
        stop = "the platform refused the run's output (" + e.getMessage() + ")";
        return false;
      } catch (IOException e) {
        // Repeats are harmless: events carry message ids, journal writes are fenced upserts.
        if (i >= POST_ATTEMPTS) {
          pending.clear();
          stop = "the platform is unreachable: " + e.getMessage();
          return false;
        }
        sleep(250L * i);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop = "the link is stopping";
        return false;
      }
    }
  }

  private void flushEvery() {
    while (!closed) {
      sleep(FLUSH_EVERY_MS);
      try {
        flush();
      } catch (RuntimeException e) {
        log.warn("cannot post run {}'s output: {}", run, e.getMessage());
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Posts what is left and stops the timer. */
  @Override
  public void close() {
    closed = true;
    // Not interrupted: a post in flight finishes; the timer ends after its sleep.
    flush();
  }
}
