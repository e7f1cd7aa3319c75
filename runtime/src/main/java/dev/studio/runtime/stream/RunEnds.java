package dev.studio.runtime.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.runtime.store.Run;
import dev.studio.runtime.store.RunStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's terminal event ({@code run.completed}, {@code run.failed}, {@code run.interrupted},
 * {@code run.cancelled}) reaches its thread's stream exactly once, even when the process that ended
 * the run dies before NATS took the event. Ending a run in PostgreSQL marks its end unpublished;
 * NATS's acknowledgement marks it published (in batches, off the run's path); {@link #repair}
 * publishes again the ends left unpublished. Every terminal event of a run has the same message id,
 * so a repeat within the stream's duplicate window is stored once.
 */
public final class RunEnds implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunEnds.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** An end unacknowledged this long is taken as lost (well inside the duplicate window). */
  public static final Duration LOST_AFTER = Duration.ofSeconds(10);

  private final EventPublisher events;
  private final RunStore runs;
  private final BlockingQueue<UUID> acknowledged = new LinkedBlockingQueue<>();
  private final Thread recorder;
  private volatile boolean closing;

  public RunEnds(EventPublisher events, RunStore runs) {
    this.events = events;
    this.runs = runs;
    recorder = Thread.ofPlatform().name("run-ends").daemon(true).start(this::record);
  }

  /** The message id of a run's terminal event: one per run, whoever ends it. */
  static String messageId(UUID run) {
    return run + ":end";
  }

  /** Publishes the end of a run that has just ended in PostgreSQL. */
  public void publish(UUID run, UUID thread, Run.State state, String error, String reason) {
    events.publish(thread, type(state), data(run, error, reason), messageId(run), () -> acknowledged.add(run));
  }

  /** Publishes again the ends NATS never acknowledged; returns how many. */
  public int repair(int limit) {
    List<Run> lost = runs.endsUnpublished(LOST_AFTER, limit);
    for (Run run : lost) {
      publish(run.id(), run.threadId(), run.state(), run.error(), run.reason());
    }
    if (!lost.isEmpty()) {
      log.info("published again the terminal events of {} runs whose end NATS had not acknowledged", lost.size());
    }
    return lost.size();
  }

  static String type(Run.State state) {
    return switch (state) {
      case completed -> EventTypes.RUN_COMPLETED;
      case failed -> EventTypes.RUN_FAILED;
      case interrupted -> EventTypes.RUN_INTERRUPTED;
      case cancelled -> EventTypes.RUN_CANCELLED;
      case queued, running -> throw new IllegalArgumentException("run has not ended: " + state);
    };
  }

  private static ObjectNode data(UUID run, String error, String reason) {
    var data = JSON.createObjectNode().put("runId", run.toString());
    if (error != null) {
      data.put("error", error);
    }
    if (reason != null) {
      data.put("reason", reason);
    }
    return data;
  }

  /** Writes acknowledgements to PostgreSQL in batches: one statement for many runs. */
  private void record() {
    List<UUID> batch = new ArrayList<>();
    while (!closing || !acknowledged.isEmpty()) {
      try {
        UUID first = acknowledged.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        Thread.sleep(20); // let a few more arrive
        acknowledged.drainTo(batch, 999);
        runs.endsPublished(batch);
        batch.clear();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // Not recorded: repair will publish these again, which the duplicate window absorbs.
        log.warn("cannot record {} acknowledged run ends: {}", batch.size(), e.getMessage());
        batch.clear();
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    closing = true;
    recorder.join(5_000);
  }
}
