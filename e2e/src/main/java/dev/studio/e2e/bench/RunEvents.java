package dev.studio.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.runtime.stream.Streams;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many terminal events each run got on its stream, counting every event published to
 * JetStream from now on (an ordered consumer on all thread subjects).
 */
final class RunEvents implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> TERMINAL = Set.of("run.completed", "run.failed", "run.interrupted", "run.cancelled");

  private final Connection nats;
  private final Dispatcher dispatcher;
  private final Map<String, AtomicInteger> terminal = new ConcurrentHashMap<>();

  RunEvents(String natsUrl) throws Exception {
    nats = Nats.connect(natsUrl);
    dispatcher = nats.createDispatcher();
    var options = PushSubscribeOptions.builder().stream(Streams.STREAM).ordered(true)
        .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.New).build()).build();
    nats.jetStream().subscribe(Streams.SUBJECT_PREFIX + ">", dispatcher, message -> {
      try {
        JsonNode event = JSON.readTree(message.getData());
        String run = event.path("runId").asText(null);
        if (run != null && TERMINAL.contains(event.path("type").asText())) {
          terminal.computeIfAbsent(run, r -> new AtomicInteger()).incrementAndGet();
        }
      } catch (Exception ignored) {
        // Not an event of ours.
      }
    }, true, options);
  }

  /** Terminal events seen for the run. */
  int terminalEvents(String run) {
    var count = terminal.get(run);
    return count == null ? 0 : count.get();
  }

  /** How many of the runs have had a terminal event. */
  long ended(Iterable<String> runs) {
    long count = 0;
    for (String run : runs) {
      if (terminalEvents(run) > 0) {
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
