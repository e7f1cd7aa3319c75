package dev.studio.runtime.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.runtime.store.Run;
import dev.studio.runtime.stream.EventPublisher;
import dev.studio.runtime.stream.EventTypes;
import io.lettuce.core.RedisException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a committed run to dispatch: onto its lane (or behind its thread's active run) and
 * announced on the thread's stream. The run is durable before this is called; if Redis is down
 * now, the sweeper queues it once Redis is back.
 */
public final class RunSubmitter {
  private static final Logger log = LoggerFactory.getLogger(RunSubmitter.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RunQueue queue;
  private final EventPublisher events;
  private final Counter submitted;
  private final Handoff handoff;

  /**
   * Another transport that may take a run instead of the lanes: the submitting user's linked
   * desktop, while the link is live. It records the run as its own before saying yes.
   */
  @FunctionalInterface
  public interface Handoff {
    Handoff NONE = (run, user) -> false;

    /** True if it took the run; {@code user} is the submitting token's id. */
    boolean take(Run run, UUID user);
  }

  public RunSubmitter(RunQueue queue, EventPublisher events, MeterRegistry metrics) {
    this(queue, events, metrics, Handoff.NONE);
  }

  public RunSubmitter(RunQueue queue, EventPublisher events, MeterRegistry metrics, Handoff handoff) {
    this.queue = queue;
    this.events = events;
    this.submitted = Counter.builder("studio.runs.submitted").register(metrics);
    this.handoff = handoff;
  }

  public void submit(Run run) {
    submit(run, null);
  }

  /** As above, for the user (a token id; null for the admin) who posted it. */
  public void submit(Run run, UUID user) {
    var data = JSON.createObjectNode().put("runId", run.id().toString()).put("seq", run.seq()).put("lane", run.lane().name());
    events.publish(run.threadId(), EventTypes.RUN_QUEUED, data, run.id() + ":queued");
    if (user != null && handoff.take(run, user)) {
      submitted.increment();
      return;
    }
    try {
      queue.enqueue(new QueuedRun(run.id(), run.threadId(), run.lane()));
    } catch (RedisException e) {
      log.warn("run {} is stored but not queued yet (Redis: {}); the sweeper will queue it", run.id(), e.getMessage());
    }
    submitted.increment();
  }

  /** Takes a cancelled run out of dispatch, so its thread's next run need not wait for it. */
  public void withdraw(Run run) {
    queue.finish(new QueuedRun(run.id(), run.threadId(), run.lane()), null);
  }
}
