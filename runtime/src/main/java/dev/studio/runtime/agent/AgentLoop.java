package dev.studio.runtime.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.runtime.agent.model.ChatMessage;
import dev.studio.runtime.agent.model.ModelException;
import dev.studio.runtime.agent.model.ModelProvider;
import dev.studio.runtime.agent.model.ModelRequest;
import dev.studio.runtime.agent.model.ModelResponse;
import dev.studio.runtime.agent.model.ToolCall;
import dev.studio.runtime.agent.tools.OrgTools;
import dev.studio.runtime.agent.tools.Tool;
import dev.studio.runtime.agent.tools.ToolContext;
import dev.studio.runtime.agent.tools.ToolRegistry;
import dev.studio.runtime.agent.tools.ToolResult;
import dev.studio.runtime.store.Run;
import dev.studio.runtime.store.Step;
import dev.studio.runtime.store.StepLog;
import dev.studio.runtime.stream.EventPublisher;
import dev.studio.runtime.stream.EventTypes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The agent loop: call the model, execute the tool calls it makes, repeat, at most {@code
 * maxSteps} model calls. Every step is journaled before it starts and when it ends, fenced by the
 * run's attempt; every piece of output is published as it is produced.
 *
 * <p>A resumed run (its worker was lost) first replays its journal: finished steps are not
 * executed again; the step in flight is executed again only if it is a model call or an
 * idempotent tool, otherwise the run ends interrupted.
 */
public final class AgentLoop {
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String WORKER_LOST = "worker_lost_after_start";
  static final int MODEL_RETRIES = 2;

  private final Profile platform;
  private final StepLog journal;
  private final EventPublisher events;
  private final int maxTokens;
  private final OrgTools orgTools;

  /**
   * Who a turn is run as: the model, the tools it may call, the system prompt (null for none) and
   * the step limit (0: the run's own). The platform has one; a bundle brings its own.
   */
  public record Profile(ModelProvider model, ToolRegistry tools, String system, int maxSteps) {}

  /** How a run ended. */
  public sealed interface Outcome {
    /**
     * The model answered without tool calls. Its step is still open: the runner closes it together
     * with the run, in one write ({@code stepOutput} is what to record).
     */
    record Completed(String answer, int step, String stepOutput) implements Outcome {}

    record Failed(String error) implements Outcome {}

    record Interrupted(String reason) implements Outcome {}

    /** The worker must stop (cancelled, lease lost, shutting down); whoever owns the run next decides. */
    record Stopped(String reason) implements Outcome {}
  }

  public AgentLoop(ModelProvider model, ToolRegistry tools, StepLog journal, EventPublisher events, String system, int maxTokens) {
    this(model, tools, OrgTools.NONE, journal, events, system, maxTokens);
  }

  /** @param orgTools tools of the run's org (its MCP connections) the platform's agent also gets */
  public AgentLoop(ModelProvider model, ToolRegistry tools, OrgTools orgTools, StepLog journal, EventPublisher events, String system,
      int maxTokens) {
    this.platform = new Profile(model, tools, system, 0);
    this.orgTools = orgTools;
    this.journal = journal;
    this.events = events;
    this.maxTokens = maxTokens;
  }

  /**
   * Runs {@code run} (of this worker's attempt) from its conversation so far.
   *
   * @param history the thread's messages up to and including the run's own
   * @param steps the journal, non-empty when resuming
   * @param stop why the worker must stop now, or null to go on
   */
  public Outcome run(Run run, List<ChatMessage> history, List<Step> steps, Supplier<String> stop) throws InterruptedException {
    return run(run, history, steps, stop, false, platform);
  }

  /**
   * As above; {@code firstStepBegun}: the journal already holds step 0, the first model call, as
   * begun (the run's start wrote it in the same statement, saving a round trip per run).
   */
  public Outcome run(Run run, List<ChatMessage> history, List<Step> steps, Supplier<String> stop, boolean firstStepBegun)
      throws InterruptedException {
    return run(run, history, steps, stop, firstStepBegun, platform);
  }

  /** As above, as {@code profile} (a bundle's) rather than as the platform's agent. */
  public Outcome run(Run run, List<ChatMessage> history, List<Step> steps, Supplier<String> stop, boolean firstStepBegun,
      Profile profile) throws InterruptedException {
    if (profile == platform) {
      // A bundle names its tools; the platform's agent gets its org's too, as they are now.
      profile = new Profile(profile.model(), profile.tools().with(orgTools.forOrg(run.orgId())), profile.system(), profile.maxSteps());
    }
    int maxSteps = profile.maxSteps() > 0 ? Math.min(profile.maxSteps(), run.maxSteps()) : run.maxSteps();
    var conversation = new ArrayList<>(history);
    int step = 0;
    int modelCalls = 0;
    Step inFlight = null;
    for (Step done : steps) {
      if (done.state() == Step.State.started) {
        inFlight = done;
        break;
      }
      replay(done, conversation);
      if (done.kind() == Step.Kind.model) {
        modelCalls++;
      }
      step = done.step() + 1;
    }
    if (inFlight != null) {
      if (!inFlight.safeToRepeat()) {
        return new Outcome.Interrupted(WORKER_LOST);
      }
      step = inFlight.step();
      status(run, "resumed", step);
    }

    while (true) {
      String reason = stop.get();
      if (reason != null) {
        return new Outcome.Stopped(reason);
      }
      var pending = pendingToolCalls(conversation);
      if (!pending.isEmpty()) {
        var outcome = callTool(run, step, pending.get(0), conversation, profile.tools());
        if (outcome != null) {
          return outcome;
        }
        step++;
        continue;
      }
      if (modelCalls >= maxSteps) {
        return new Outcome.Failed("the run reached its step limit of " + maxSteps + " model calls");
      }
      var response = callModel(run, step, conversation, stop, firstStepBegun && step == 0 && modelCalls == 0, profile);
      if (response instanceof Outcome outcome) {
        return outcome;
      }
      var answer = (ModelResponse) response;
      modelCalls++;
      conversation.add(new ChatMessage.Assistant(answer.text(), answer.toolCalls()));
      if (answer.toolCalls().isEmpty()) {
        return new Outcome.Completed(answer.text(), step, modelOutput(answer).toString());
      }
      step++;
    }
  }

  /** Returns a {@link ModelResponse}, or the {@link Outcome} that ends the run. */
  /** @param begun the journal already holds this step as begun (by the run's start) */
  private Object callModel(Run run, int step, List<ChatMessage> conversation, Supplier<String> stop, boolean begun, Profile profile)
      throws InterruptedException {
    var model = profile.model();
    var input = JSON.createObjectNode().put("messages", conversation.size()).put("model", model.label());
    for (int attempt = 0; ; attempt++) {
      if (!(begun && attempt == 0) && !journal.begin(run.id(), run.attempt(), step, Step.Kind.model, null, null, true, input)) {
        return new Outcome.Stopped("superseded");
      }
      var request = new ModelRequest(profile.system(), conversation, profile.tools().specs(), maxTokens);
      final int deltaAttempt = attempt;
      int[] delta = {0};
      try {
        var response = model.complete(request, text -> {
          var data = JSON.createObjectNode().put("runId", run.id().toString()).put("step", step)
              .put("attempt", run.attempt()).put("retry", deltaAttempt).put("text", text);
          events.publish(run.threadId(), EventTypes.MESSAGE_DELTA, data, id(run, "delta:" + step + ":" + deltaAttempt + ":" + delta[0]++));
          if (stop.get() != null) {
            throw new StopRequested();
          }
        });
        // A final answer's step is closed with the run itself (see Outcome.Completed).
        if (!response.toolCalls().isEmpty() && !journal.end(run.id(), run.attempt(), step, true, modelOutput(response))) {
          return new Outcome.Stopped("superseded");
        }
        return response;
      } catch (StopRequested e) {
        return new Outcome.Stopped(stop.get());
      } catch (ModelException e) {
        journal.end(run.id(), run.attempt(), step, false, JSON.createObjectNode().put("error", e.getMessage()));
        if (!e.retryable() || attempt >= MODEL_RETRIES) {
          return new Outcome.Failed(e.getMessage());
        }
        status(run, "retrying", step);
      }
    }
  }

  /** Executes one tool call; returns null to go on, or the outcome that ends the run. */
  private Outcome callTool(Run run, int step, ToolCall call, List<ChatMessage> conversation, ToolRegistry tools)
      throws InterruptedException {
    Tool tool = tools.get(call.name()).orElse(null);
    boolean idempotent = tool == null || tool.idempotent();
    var input = JSON.createObjectNode().put("name", call.name()).put("callId", call.id());
    input.set("arguments", call.arguments());
    if (!journal.begin(run.id(), run.attempt(), step, Step.Kind.tool, call.name(), call.id(), idempotent, input)) {
      return new Outcome.Stopped("superseded");
    }
    var started = JSON.createObjectNode().put("runId", run.id().toString()).put("step", step).put("callId", call.id())
        .put("name", call.name());
    started.set("arguments", call.arguments());
    events.publish(run.threadId(), EventTypes.TOOL_CALL, started, id(run, "tool.call:" + step));

    ToolResult result;
    if (tool == null) {
      result = ToolResult.error("there is no tool named " + call.name());
    } else {
      try {
        result = tool.execute(new ToolContext(run.orgId(), run.threadId(), run.id(), step), call.arguments());
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        result = ToolResult.error(call.name() + " failed: " + e.getMessage());
      }
    }
    var output = JSON.createObjectNode().put("content", result.content()).put("error", result.error());
    if (!journal.end(run.id(), run.attempt(), step, !result.error(), output)) {
      return new Outcome.Stopped("superseded");
    }
    var finished = JSON.createObjectNode().put("runId", run.id().toString()).put("step", step).put("callId", call.id())
        .put("name", call.name()).put("content", result.content()).put("error", result.error());
    events.publish(run.threadId(), EventTypes.TOOL_RESULT, finished, id(run, "tool.result:" + step));
    conversation.add(new ChatMessage.ToolResult(call.id(), call.name(), result.content(), result.error()));
    return null;
  }

  /** Rebuilds the conversation from a finished step of the journal. */
  private static void replay(Step step, List<ChatMessage> conversation) {
    if (step.kind() == Step.Kind.model) {
      if (step.state() != Step.State.completed || step.output() == null) {
        return;
      }
      List<ToolCall> calls = new ArrayList<>();
      for (JsonNode call : step.output().path("toolCalls")) {
        calls.add(new ToolCall(call.path("id").asText(), call.path("name").asText(), call.path("arguments")));
      }
      conversation.add(new ChatMessage.Assistant(step.output().path("text").asText(""), calls));
    } else {
      JsonNode output = step.output() == null ? JSON.createObjectNode() : step.output();
      conversation.add(new ChatMessage.ToolResult(step.toolCallId(), step.toolName(), output.path("content").asText(""),
          output.path("error").asBoolean(step.state() == Step.State.failed)));
    }
  }

  /** Tool calls of the last answer that have no result yet, in order. */
  private static List<ToolCall> pendingToolCalls(List<ChatMessage> conversation) {
    Set<String> answered = new HashSet<>();
    for (int i = conversation.size() - 1; i >= 0; i--) {
      var message = conversation.get(i);
      if (message instanceof ChatMessage.ToolResult result) {
        answered.add(result.callId());
      } else if (message instanceof ChatMessage.Assistant assistant) {
        return assistant.toolCalls().stream().filter(c -> !answered.contains(c.id())).toList();
      } else {
        return List.of();
      }
    }
    return List.of();
  }

  private static ObjectNode modelOutput(ModelResponse response) {
    var output = JSON.createObjectNode().put("text", response.text()).put("stopReason", response.stopReason());
    ArrayNode calls = output.putArray("toolCalls");
    for (ToolCall call : response.toolCalls()) {
      calls.addObject().put("id", call.id()).put("name", call.name()).set("arguments", call.arguments());
    }
    output.putObject("usage").put("input", response.usage() == null ? 0 : response.usage().inputTokens())
        .put("output", response.usage() == null ? 0 : response.usage().outputTokens());
    return output;
  }

  private void status(Run run, String status, int step) {
    var data = JSON.createObjectNode().put("runId", run.id().toString()).put("status", status).put("step", step)
        .put("attempt", run.attempt());
    events.publish(run.threadId(), EventTypes.CONV_STATUS, data, id(run, "status:" + status + ":" + step + ":" + UUID.randomUUID()));
  }

  /** A message id for JetStream's de-duplication: stable across this attempt's retries of a publish. */
  static String id(Run run, String what) {
    return run.id() + ":" + run.attempt() + ":" + what;
  }

  /** The model's label, as the journal records it. */
  public String modelLabel() {
    return platform.model().label();
  }

  /** The platform's own profile, which a bundle's starts from. */
  public Profile platform() {
    return platform;
  }

  /** Thrown out of the model's delta callback to stop streaming at once. */
  private static final class StopRequested extends RuntimeException {
    StopRequested() {
      super(null, null, false, false);
    }
  }
}
