package dev.studio.runtime.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.runtime.agent.AgentLoop;
import dev.studio.runtime.store.Run;
import dev.studio.runtime.store.RunStore;
import dev.studio.runtime.store.Step;
import dev.studio.runtime.store.StepJournal;
import dev.studio.runtime.stream.EventPublisher;
import dev.studio.runtime.stream.RunEnds;
import dev.studio.runtime.stream.EventTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds in-flight runs whose lease lapsed (their worker died or froze) and hands each on:
 *
 * <ul>
 *   <li>not started: back to the head of its queue, for another worker;
 *   <li>started, in a step safe to repeat (a model call, an idempotent tool) or between steps: back
 *       to the queue too; the next worker resumes it from the journal;
 *   <li>started, in a tool call that is not idempotent: ended {@code interrupted} with reason
 *       {@code worker_lost_after_start}; the tool never runs twice;
 *   <li>already ended (its worker died between PostgreSQL and Redis): taken out of Redis.
 * </ul>
 *
 * Every worker runs a reaper; the scripts and the PostgreSQL updates are conditional, so two of
 * them acting on the same run cannot both succeed.
 */
public final class Reaper {
  private static final Logger log = LoggerFactory.getLogger(Reaper.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RunQueue queue;
  private final RunStore runs;
  private final StepJournal journal;
  private final EventPublisher events;
  private final RunEnds ends;
  private final Counter requeued;
  private final Counter interrupted;

  public Reaper(RunQueue queue, RunStore runs, StepJournal journal, EventPublisher events, RunEnds ends, MeterRegistry metrics) {
    this.queue = queue;
    this.runs = runs;
    this.journal = journal;
    this.events = events;
    this.ends = ends;
    this.requeued = Counter.builder("studio.runs.reaped").tag("outcome", "requeued").register(metrics);
    this.interrupted = Counter.builder("studio.runs.reaped").tag("outcome", "interrupted").register(metrics);
  }

  public void reap() {
    for (Lane lane : Lane.values()) {
      for (QueuedRun run : queue.inflight(lane)) {
        try {
          reap(run);
        } catch (RuntimeException e) {
          log.warn("reaper: run {}: {}", run.run(), e.getMessage());
        }
      }
    }
  }

  void reap(QueuedRun queued) {
    if (queue.locked(queued.run())) {
      return;
    }
    var found = runs.get(queued.run());
    if (found.isEmpty() || found.get().state().terminal()) {
      queue.finish(queued, null);
      return;
    }
    Run run = found.get();
    boolean started = run.state() == Run.State.running || queue.startedMarker(run.id());
    if (started) {
      List<Step> steps = journal.steps(run.id());
      var inFlight = steps.stream().filter(s -> s.state() == Step.State.started).findFirst();
      if (inFlight.isPresent() && !inFlight.get().safeToRepeat()) {
        if (runs.interrupt(run.id(), AgentLoop.WORKER_LOST)) {
          ends.publish(run.id(), run.threadId(), Run.State.interrupted, null, AgentLoop.WORKER_LOST);
          var status = JSON.createObjectNode().put("runId", run.id().toString()).put("status", "interrupted")
              .put("reason", AgentLoop.WORKER_LOST);
          events.publish(run.threadId(), EventTypes.CONV_STATUS, status, run.id() + ":reaped-status");
          interrupted.increment();
          log.info("run {} interrupted: its worker was lost during tool {}", run.id(), inFlight.get().toolName());
        }
        queue.finish(queued, null);
        return;
      }
    }
    if (queue.requeue(queued)) {
      requeued.increment();
      log.info("run {} handed on after its lease lapsed ({})", run.id(), started ? "to resume" : "not started");
    }
  }

}
