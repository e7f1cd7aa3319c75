package dev.studio.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.runtime.stream.Streams;
import io.nats.client.Nats;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Enqueue → {@code run.started}, from the events' own times, read back from JetStream after the
 * runs ran (so reading them costs the measured platform nothing): a run's {@code run.queued} is
 * stamped by the api just before its Redis enqueue script, after the post's commit; its {@code
 * run.started} by the worker as it publishes it, after the start statement. Both clocks are this
 * machine's.
 */
final class DispatchTimes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DispatchTimes() {}

  /** Milliseconds from enqueue to run.started, for the runs given that have both events since {@code since}. */
  static List<Double> enqueueToStarted(String natsUrl, Instant since, Collection<UUID> runs) throws Exception {
    Map<String, Instant> queued = new HashMap<>();
    Map<String, Instant> started = new HashMap<>();
    try (var nats = Nats.connect(natsUrl)) {
      var options = PushSubscribeOptions.builder().stream(Streams.STREAM).ordered(true)
          .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.ByStartTime)
              .startTime(since.atZone(ZoneOffset.UTC)).build())
          .build();
      var subscription = nats.jetStream().subscribe(Streams.SUBJECT_PREFIX + ">", options);
      for (var message = subscription.nextMessage(Duration.ofSeconds(3)); message != null;
          message = subscription.nextMessage(Duration.ofSeconds(1))) {
        JsonNode event = JSON.readTree(message.getData());
        String type = event.path("type").asText();
        if (type.equals("run.queued") || type.equals("run.started")) {
          (type.equals("run.queued") ? queued : started).putIfAbsent(event.path("runId").asText(), Instant.parse(event.path("at").asText()));
        }
      }
      subscription.unsubscribe();
    }
    List<Double> latencies = new ArrayList<>(runs.size());
    for (UUID run : runs) {
      Instant from = queued.get(run.toString());
      Instant to = started.get(run.toString());
      if (from != null && to != null) {
        latencies.add(Duration.between(from, to).toNanos() / 1e6);
      }
    }
    return latencies;
  }
}
