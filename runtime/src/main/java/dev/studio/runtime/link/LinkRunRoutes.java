package dev.studio.runtime.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.runtime.agent.model.ModelException;
import dev.studio.runtime.agent.model.ModelProvider;
import dev.studio.runtime.agent.tools.ToolContext;
import dev.studio.runtime.agent.tools.ToolResult;
import dev.studio.runtime.http.ApiException;
import dev.studio.runtime.http.Authentication;
import dev.studio.runtime.http.Ids;
import dev.studio.runtime.http.RouteGroup;
import dev.studio.runtime.http.StreamingResponse;
import dev.studio.runtime.store.Run;
import dev.studio.runtime.store.RunStore;
import dev.studio.runtime.store.Step;
import dev.studio.runtime.store.StepJournal;
import dev.studio.runtime.stream.EventPublisher;
import dev.studio.runtime.stream.EventTypes;
import dev.studio.runtime.stream.RunEnds;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * What a link calls while it executes a run, under {@code /api/{org}/links/runs/{run}}: {@code
 * chunks} (its output, in order: stream events the platform republishes on the thread's stream,
 * journal writes fenced by the run's attempt, and finally the run's end), {@code model} (the org's
 * model, run here: its key never leaves the cluster; answered as NDJSON, deltas first) and {@code
 * tools/{tool}} (a platform tool, by the signed URL the work item gave). Only the run's own link
 * user may call them, and only while the run is running.
 */
final class LinkRunRoutes implements RouteGroup {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The events a link may publish; the run's start and end are the platform's to announce. */
  static final Set<String> LINK_EVENTS = Set.of(EventTypes.MESSAGE_DELTA, EventTypes.TOOL_CALL, EventTypes.TOOL_RESULT,
      EventTypes.CONV_STATUS);

  private final Authentication authentication;
  private final RunStore runs;
  private final StepJournal journal;
  private final LinkRunStore linked;
  private final EventPublisher events;
  private final RunEnds ends;
  private final ModelProvider model;
  private final PlatformTools tools;

  LinkRunRoutes(Authentication authentication, RunStore runs, StepJournal journal, LinkRunStore linked, EventPublisher events,
      RunEnds ends, ModelProvider model, PlatformTools tools) {
    this.authentication = authentication;
    this.runs = runs;
    this.journal = journal;
    this.linked = linked;
    this.events = events;
    this.ends = ends;
    this.model = model;
    this.tools = tools;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/api/{org}/links/runs/{run}/chunks", this::chunks);
    routes.post("/api/{org}/links/runs/{run}/model", this::model);
    routes.post("/api/{org}/links/runs/{run}/tools/{tool}", this::tool);
  }

  /** The run the path names, if the caller is the user whose link it is on. */
  private Run owned(Context ctx) {
    LinkProtocol.require(ctx);
    var scope = authentication.scope(ctx);
    var id = Ids.parse("run", ctx.pathParam("run"));
    var run = runs.get(scope.org().id(), id).orElseThrow(() -> ApiException.notFound("run", id.toString()));
    var user = linked.user(run.id());
    if (user.isEmpty() || scope.principal().tokenId() == null || !user.get().equals(scope.principal().tokenId())) {
      throw ApiException.notFound("run", id.toString()); // not this link's: as if it did not exist
    }
    return run;
  }

  private static JsonNode body(Context ctx) {
    try {
      return JSON.readTree(ctx.body());
    } catch (IOException e) {
      throw ApiException.malformedJson("the body is not JSON: " + e.getMessage());
    }
  }

  /** Why the link must stop this run, or null while its attempt owns the run. */
  private static String stopReason(Run run, int attempt) {
    if (run.state() != Run.State.running) {
      return "the run is " + run.state();
    }
    return run.attempt() == attempt ? null : "superseded";
  }

  private void chunks(Context ctx) {
    Run run = owned(ctx);
    var body = body(ctx);
    int attempt = body.path("attempt").asInt(-1);
    String stop = stopReason(run, attempt);
    if (stop != null) {
      ctx.json(JSON.createObjectNode().put("ok", false).put("stop", stop));
      return;
    }
    if (body.hasNonNull("sandbox")) {
      String sandbox = body.get("sandbox").asText();
      linked.sandbox(run.id(), attempt, sandbox.length() > 200 ? sandbox.substring(0, 200) : sandbox);
    }
    boolean ok = true;
    for (JsonNode chunk : body.path("chunks")) {
      ok = apply(run, attempt, chunk);
      if (!ok) {
        break;
      }
    }
    var answer = JSON.createObjectNode().put("ok", ok);
    if (!ok) {
      answer.put("stop", runs.get(run.id()).map(r -> stopReason(r, attempt)).orElse("the run is gone"));
    }
    ctx.json(answer);
  }

  /** Applies one chunk; false if the run's journal refused it (the attempt no longer owns the run). */
  private boolean apply(Run run, int attempt, JsonNode chunk) {
    if (chunk.has("event")) {
      var event = chunk.get("event");
      String type = event.path("type").asText();
      if (!LINK_EVENTS.contains(type) || !event.path("data").isObject()) {
        throw ApiException.badRequest("chunks", "a link may publish " + LINK_EVENTS + " events with object data, not '" + type + "'");
      }
      var data = ((ObjectNode) event.get("data").deepCopy()).put("runId", run.id().toString());
      // The link's message id (stable across its retries) within this run's own id space.
      String id = run.id() + ":" + attempt + ":link:" + event.path("id").asText();
      events.publish(run.threadId(), type, data, id);
      return true;
    }
    if (chunk.has("begin")) {
      var begin = chunk.get("begin");
      return journal.begin(run.id(), attempt, begin.path("step").asInt(), Step.Kind.valueOf(begin.path("kind").asText("model")),
          text(begin, "toolName"), text(begin, "toolCallId"), begin.path("idempotent").asBoolean(), begin.get("input"));
    }
    if (chunk.has("end")) {
      var end = chunk.get("end");
      return journal.end(run.id(), attempt, end.path("step").asInt(), end.path("ok").asBoolean(), end.get("output"));
    }
    if (chunk.has("finish")) {
      return finish(run, attempt, chunk.get("finish"));
    }
    throw ApiException.badRequest("chunks", "a chunk is one of event, begin, end, finish");
  }

  /** The run's end as the link's loop reached it: recorded and announced as a worker's would be. */
  private boolean finish(Run run, int attempt, JsonNode finish) {
    String state = finish.path("state").asText();
    switch (state) {
      case "completed" -> {
        String answer = finish.path("answer").asText("");
        int step = finish.path("step").asInt();
        if (!runs.complete(run.id(), attempt, step, finish.path("stepOutput").asText("{}"), answer)) {
          return false;
        }
        var message = JSON.createObjectNode().put("runId", run.id().toString()).put("step", step).put("text", answer);
        message.putNull("bundle");
        events.publish(run.threadId(), EventTypes.MESSAGE_COMPLETED, message, run.id() + ":" + attempt + ":completed");
        ends.publish(run.id(), run.threadId(), Run.State.completed, null, null);
      }
      case "failed" -> {
        String error = finish.path("error").asText("the run failed on the link");
        if (!runs.finish(run.id(), attempt, Run.State.failed, error, null)) {
          return false;
        }
        ends.publish(run.id(), run.threadId(), Run.State.failed, error, null);
      }
      case "interrupted" -> {
        String reason = finish.path("reason").asText("interrupted on the link");
        if (!runs.finish(run.id(), attempt, Run.State.interrupted, null, reason)) {
          return false;
        }
        ends.publish(run.id(), run.threadId(), Run.State.interrupted, null, reason);
      }
      default -> throw ApiException.badRequest("finish", "a run finishes completed, failed or interrupted, not '" + state + "'");
    }
    return true;
  }

  /**
   * One model call of the run, made here with the org's model and key. The answer streams as
   * NDJSON: {@code {"delta"}} lines as the model produces text, then {@code {"response"}} or
   * {@code {"error": {"message", "retryable"}}}.
   */
  private void model(Context ctx) throws Exception {
    Run run = owned(ctx);
    var body = body(ctx);
    String stop = stopReason(run, body.path("attempt").asInt(-1));
    if (stop != null) {
      throw ApiException.conflict("no model calls for this run: " + stop);
    }
    var request = LinkWire.request(body.path("request"));
    var response = ctx.res();
    StreamingResponse.start(response, "application/x-ndjson");
    OutputStream out = response.getOutputStream();
    try {
      var answer = model.complete(request, text -> line(out, JSON.createObjectNode().put("delta", text)));
      var last = JSON.createObjectNode();
      last.set("response", LinkWire.response(answer));
      line(out, last);
    } catch (ModelException e) {
      var last = JSON.createObjectNode();
      last.putObject("error").put("message", e.getMessage()).put("retryable", e.retryable());
      line(out, last);
    }
  }

  private static void line(OutputStream out, ObjectNode node) {
    try {
      out.write((node.toString() + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("the link went away mid-answer", e);
    }
  }

  /** A platform tool called by the link, with the URL its work item signed for this run and tool. */
  private void tool(Context ctx) throws Exception {
    Run run = owned(ctx);
    String name = ctx.pathParam("tool");
    long expires = ctx.queryParamAsClass("expires", Long.class).getOrDefault(0L);
    if (!tools.signed(run.id(), name, expires, ctx.queryParam("signature"))) {
      throw ApiException.forbidden("the tool URL is not valid for this run (wrong signature, or expired)");
    }
    if (run.state() != Run.State.running) {
      throw ApiException.conflict("the run is " + run.state());
    }
    var tool = tools.tool(run.orgId(), name).orElseThrow(() -> ApiException.notFound("tool", name));
    var body = body(ctx);
    ToolResult result;
    try {
      result = tool.execute(new ToolContext(run.orgId(), run.threadId(), run.id(), body.path("step").asInt()),
          body.has("arguments") ? body.get("arguments") : JSON.createObjectNode());
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      result = ToolResult.error(name + " failed: " + e.getMessage());
    }
    ctx.json(JSON.createObjectNode().put("content", result.content()).put("error", result.error()));
  }

  private static String text(JsonNode node, String field) {
    return node.hasNonNull(field) ? node.get(field).asText() : null;
  }
}
