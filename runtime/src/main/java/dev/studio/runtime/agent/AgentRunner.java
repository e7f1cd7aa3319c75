package dev.studio.runtime.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.runtime.agent.model.ChatMessage;
import dev.studio.runtime.dispatch.QueuedRun;
import dev.studio.runtime.dispatch.RunExecutor;
import dev.studio.runtime.store.Message;
import dev.studio.runtime.store.Run;
import dev.studio.runtime.store.RunStore;
import dev.studio.runtime.store.Step;
import dev.studio.runtime.store.StepJournal;
import dev.studio.runtime.stream.EventPublisher;
import dev.studio.runtime.stream.RunEnds;
import dev.studio.runtime.stream.EventTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a claimed run through the agent loop: takes it in PostgreSQL (a new attempt), loads its
 * conversation (and journal, when resuming), runs the loop, and records and announces how it
 * ended.
 */
public final class AgentRunner implements RunExecutor {
  private static final Logger log = LoggerFactory.getLogger(AgentRunner.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RunStore runs;
  private final StepJournal journal;
  private final AgentLoop loop;
  private final EventPublisher events;
  private final RunEnds ends;
  private final String worker;
  private final MeterRegistry metrics;
  private final TurnPlan.Planner planner;
  private final HandlerTurns handlerTurns;

  public AgentRunner(RunStore runs, StepJournal journal, AgentLoop loop, EventPublisher events, RunEnds ends, String worker,
      MeterRegistry metrics) {
    this(runs, journal, loop, events, ends, worker, metrics, TurnPlan.Planner.PLATFORM);
  }

  /** @param planner chooses who takes each run's turn (a bundle, or the platform's own agent) */
  public AgentRunner(RunStore runs, StepJournal journal, AgentLoop loop, EventPublisher events, RunEnds ends, String worker,
      MeterRegistry metrics, TurnPlan.Planner planner) {
    this.planner = planner;
    this.handlerTurns = new HandlerTurns(journal, events);
    this.runs = runs;
    this.journal = journal;
    this.loop = loop;
    this.events = events;
    this.ends = ends;
    this.worker = worker;
    this.metrics = metrics;
  }

  @Override
  public Disposition execute(QueuedRun queued, Control control) throws InterruptedException {
    var started = runs.start(queued.run(), worker, loop.modelLabel());
    if (started.isEmpty()) {
      return Disposition.FINISHED; // cancelled (or ended) while it waited
    }
    control.markStarted();
    Run run = started.get().run();
    boolean resumed = started.get().resumed();
    TurnPlan plan;
    try {
      plan = planner.plan(run);
    } catch (TurnPlan.Unavailable e) {
      return end(run, Run.State.failed, e.getMessage(), null);
    }
    try (plan) {
      var startedEvent = JSON.createObjectNode().put("runId", run.id().toString()).put("attempt", run.attempt())
          .put("resumed", resumed).put("worker", worker).put("bundle", plan.servedBy());
      events.publish(run.threadId(), EventTypes.RUN_STARTED, startedEvent, AgentLoop.id(run, "started"));
      return finish(run, take(plan, run, started.get(), control), plan.servedBy());
    }
  }

  private AgentLoop.Outcome take(TurnPlan plan, Run run, RunStore.Started started, Control control) throws InterruptedException {
    var history = history(run, started.conversation());
    var steps = started.resumed() ? journal.steps(run.id()) : List.<Step>of();
    try {
      return switch (plan) {
        case TurnPlan.Loop loopPlan -> loop.run(run, history, steps, control::stopReason, started.firstStepBegun(),
            loopPlan.profile() == null ? loop.platform() : loopPlan.profile());
        case TurnPlan.Handler handler -> handlerTurns.take(run, history, handler, control::stopReason, started.firstStepBegun());
      };
    } catch (InterruptedException e) {
      throw e;
    } catch (RuntimeException e) {
      log.error("run {} failed unexpectedly", run.id(), e);
      return new AgentLoop.Outcome.Failed("internal error: " + e.getClass().getSimpleName());
    }
  }

  private Disposition finish(Run run, AgentLoop.Outcome outcome, String servedBy) {
    return switch (outcome) {
      case AgentLoop.Outcome.Completed completed -> complete(run, completed, servedBy);
      case AgentLoop.Outcome.Failed failed -> end(run, Run.State.failed, failed.error(), null);
      case AgentLoop.Outcome.Interrupted interrupted -> end(run, Run.State.interrupted, null, interrupted.reason());
      // Cancelled (the api ended it and said so), or someone else owns it now.
      case AgentLoop.Outcome.Stopped stopped -> afterStop(run);
    };
  }

  private Disposition complete(Run run, AgentLoop.Outcome.Completed completed, String servedBy) {
    if (!runs.complete(run.id(), run.attempt(), completed.step(), completed.stepOutput(), completed.answer())) {
      return afterStop(run);
    }
    var message = JSON.createObjectNode().put("runId", run.id().toString()).put("step", completed.step())
        .put("text", completed.answer()).put("bundle", servedBy);
    events.publish(run.threadId(), EventTypes.MESSAGE_COMPLETED, message, AgentLoop.id(run, "completed"));
    ends.publish(run.id(), run.threadId(), Run.State.completed, null, null);
    finished(Run.State.completed);
    return Disposition.FINISHED;
  }

  private Disposition end(Run run, Run.State state, String error, String reason) {
    if (runs.finish(run.id(), run.attempt(), state, error, reason)) {
      ends.publish(run.id(), run.threadId(), state, error, reason);
      if (state == Run.State.interrupted) {
        var status = JSON.createObjectNode().put("runId", run.id().toString()).put("status", "interrupted").put("reason", reason);
        events.publish(run.threadId(), EventTypes.CONV_STATUS, status, AgentLoop.id(run, "end-status"));
      }
      finished(state);
      return Disposition.FINISHED;
    }
    // The run was cancelled or taken over while we worked: its new owner has the last word.
    return afterStop(run);
  }

  private void finished(Run.State state) {
    Counter.builder("studio.runs.finished").tag("state", state.name()).register(metrics).increment();
  }

  private Disposition afterStop(Run run) {
    return runs.get(run.id()).map(r -> r.state().terminal() ? Disposition.FINISHED : Disposition.HANDED_BACK)
        .orElse(Disposition.FINISHED);
  }

  /** The thread's conversation up to and including the run's own message. */
  public static List<ChatMessage> history(Run run, List<Message> conversation) {
    List<ChatMessage> history = new ArrayList<>();
    for (Message message : conversation) {
      if (message.role().equals("user")) {
        history.add(new ChatMessage.User(message.text()));
      } else if (!message.runId().equals(run.id())) {
        history.add(new ChatMessage.Assistant(message.text(), List.of()));
      }
    }
    return history;
  }
}
