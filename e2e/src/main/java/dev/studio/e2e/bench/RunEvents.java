package dev.studio.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every run event published from now on, read from JetStream (an ordered consumer on all thread
 * subjects), indexed by run: when each run was queued, started and ended, and how.
 */
final class RunEvents implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> TERMINAL = Set.of("run.completed", "run.failed", "run.interrupted", "run.cancelled");

  /** What was seen of one run. */
  static final class Seen {
    volatile Instant queued;
    volatile Instant started;
    volatile Instant ended;
    volatile long endedNanos;
    volatile String end;
    volatile int terminalEvents;
  }

  private final Connection nats;
  private final Dispatcher dispatcher;
  final Map<String, Seen> runs = new ConcurrentHashMap<>();

  RunEvents(String natsUrl) throws Exception {
    nats = Nats.connect(natsUrl);
    dispatcher = nats.createDispatcher();
    var options = PushSubscribeOptions.builder().stream("STUDIO_STREAM").ordered(true)
        .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.New).build()).build();
    nats.jetStream().subscribe("studio.stream.>", dispatcher, message -> {
      try {
        JsonNode event = JSON.readTree(message.getData());
        String run = event.path("runId").asText(null);
        if (run == null) {
          return;
        }
        var seen = runs.computeIfAbsent(run, r -> new Seen());
        String type = event.path("type").asText();
        Instant at = Instant.parse(event.path("at").asText());
        switch (type) {
          case "run.queued" -> seen.queued = at;
          case "run.started" -> {
            if (seen.started == null) {
              seen.started = at;
            }
          }
          default -> {
            if (TERMINAL.contains(type)) {
              seen.terminalEvents++;
              seen.ended = at;
              seen.endedNanos = System.nanoTime();
              seen.end = type;
            }
          }
        }
      } catch (Exception ignored) {
        // Not an event of ours.
      }
    }, true, options);
  }

  Seen of(String run) {
    return runs.computeIfAbsent(run, r -> new Seen());
  }

  long ended(Iterable<String> which) {
    long count = 0;
    for (String run : which) {
      var seen = runs.get(run);
      if (seen != null && seen.end != null) {
        count++;
      }
    }
    return count;
  }

  @Override
  public void close() throws InterruptedException {
    nats.closeDispatcher(dispatcher);
    nats.close();
  }
}
