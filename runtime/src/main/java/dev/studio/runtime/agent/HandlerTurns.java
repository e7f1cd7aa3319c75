package dev.studio.runtime.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.runtime.agent.model.ChatMessage;
import dev.studio.runtime.store.Run;
import dev.studio.runtime.store.Step;
import dev.studio.runtime.store.StepJournal;
import dev.studio.runtime.stream.EventPublisher;
import dev.studio.runtime.stream.EventTypes;
import java.util.List;
import java.util.function.Supplier;

/**
 * Takes a turn with a bundle's own handler. The turn is one step of the journal (a model-like step
 * that is safe to repeat: a run resumed after its worker was lost takes the turn again), its pieces
 * streamed like a model's.
 */
final class HandlerTurns {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int STEP = 0;

  private final StepJournal journal;
  private final EventPublisher events;

  HandlerTurns(StepJournal journal, EventPublisher events) {
    this.journal = journal;
    this.events = events;
  }

  AgentLoop.Outcome take(Run run, List<ChatMessage> history, TurnPlan.Handler plan, Supplier<String> stop, boolean stepBegun)
      throws InterruptedException {
    var input = JSON.createObjectNode().put("messages", history.size()).put("bundle", plan.servedBy());
    if (!stepBegun && !journal.begin(run.id(), run.attempt(), STEP, Step.Kind.model, null, null, true, input)) {
      return new AgentLoop.Outcome.Stopped("superseded");
    }
    int[] piece = {0};
    String answer;
    try {
      answer = plan.turn().take(run, history, text -> {
        var data = JSON.createObjectNode().put("runId", run.id().toString()).put("step", STEP).put("attempt", run.attempt())
            .put("retry", 0).put("text", text);
        events.publish(run.threadId(), EventTypes.MESSAGE_DELTA, data, AgentLoop.id(run, "delta:" + STEP + ":0:" + piece[0]++));
      }, () -> stop.get() != null);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      String error = plan.servedBy() + " failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      journal.end(run.id(), run.attempt(), STEP, false, JSON.createObjectNode().put("error", error));
      return new AgentLoop.Outcome.Failed(error);
    }
    String reason = stop.get();
    if (reason != null) {
      return new AgentLoop.Outcome.Stopped(reason);
    }
    String text = answer == null ? "" : answer;
    var output = JSON.createObjectNode().put("text", text).put("bundle", plan.servedBy());
    output.putArray("toolCalls");
    return new AgentLoop.Outcome.Completed(text, STEP, output.toString());
  }
}
