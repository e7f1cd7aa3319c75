package dev.studio.runtime.http;

import dev.studio.runtime.dispatch.CancelSignals;
import dev.studio.runtime.dispatch.RunSubmitter;
import dev.studio.runtime.store.Run;
import dev.studio.runtime.store.RunStore;
import dev.studio.runtime.store.Step;
import dev.studio.runtime.store.StepJournal;
import dev.studio.runtime.stream.RunEnds;
import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /api/{org}/runs/{run}}: a run's state and journal, and cancelling it. */
public final class RunRoutes implements RouteGroup {

  private final Authentication authentication;
  private final RunStore runs;
  private final StepJournal journal;
  private final RunSubmitter submitter;
  private final RunEnds ends;
  private final CancelSignals cancels;

  public RunRoutes(Authentication authentication, RunStore runs, StepJournal journal, RunSubmitter submitter, RunEnds ends,
      CancelSignals cancels) {
    this.authentication = authentication;
    this.runs = runs;
    this.journal = journal;
    this.submitter = submitter;
    this.ends = ends;
    this.cancels = cancels;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/api/{org}/runs/{run}", ctx -> {
      var scope = authentication.scope(ctx);
      var run = runs.get(scope.org().id(), Ids.parse("run", ctx.pathParam("run")))
          .orElseThrow(() -> ApiException.notFound("run", ctx.pathParam("run")));
      var json = json(run);
      json.put("steps", journal.steps(run.id()).stream().map(RunRoutes::json).toList());
      ctx.json(json);
    });
    routes.post("/api/{org}/runs/{run}/cancel", ctx -> {
      var scope = authentication.scope(ctx);
      var id = Ids.parse("run", ctx.pathParam("run"));
      var cancelled = runs.cancel(scope.org().id(), id);
      if (cancelled.isEmpty()) {
        var run = runs.get(scope.org().id(), id).orElseThrow(() -> ApiException.notFound("run", id.toString()));
        throw ApiException.conflict("run " + id + " has already ended (" + run.state() + ")");
      }
      Run run = cancelled.get();
      ends.publish(run.id(), run.threadId(), Run.State.cancelled, null, run.reason());
      cancels.send(run.id());
      submitter.withdraw(run);
      ctx.json(json(run));
    });
  }

  static LinkedHashMap<String, Object> json(Run run) {
    var json = new LinkedHashMap<String, Object>();
    json.put("id", run.id().toString());
    json.put("threadId", run.threadId().toString());
    json.put("messageId", run.messageId().toString());
    json.put("seq", run.seq());
    json.put("state", run.state().name());
    json.put("lane", run.lane().name());
    json.put("bundle", run.bundle());
    json.put("attempt", run.attempt());
    json.put("worker", run.worker());
    json.put("transport", run.transport().name());
    json.put("sandbox", run.sandbox());
    json.put("maxSteps", run.maxSteps());
    json.put("error", run.error());
    json.put("reason", run.reason());
    json.put("createdAt", run.createdAt().toString());
    json.put("startedAt", run.startedAt() == null ? null : run.startedAt().toString());
    json.put("finishedAt", run.finishedAt() == null ? null : run.finishedAt().toString());
    return json;
  }

  static Map<String, Object> json(Step step) {
    var json = new LinkedHashMap<String, Object>();
    json.put("step", step.step());
    json.put("kind", step.kind().name());
    json.put("state", step.state().name());
    json.put("attempt", step.attempt());
    json.put("toolName", step.toolName());
    json.put("idempotent", step.idempotent());
    json.put("input", step.input());
    json.put("output", step.output());
    json.put("startedAt", step.startedAt().toString());
    json.put("finishedAt", step.finishedAt() == null ? null : step.finishedAt().toString());
    return json;
  }
}
