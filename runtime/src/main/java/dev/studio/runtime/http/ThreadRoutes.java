package dev.studio.runtime.http;

import dev.studio.runtime.admission.Backpressure;
import dev.studio.runtime.admission.RateLimiter;
import dev.studio.runtime.dispatch.RunSubmitter;
import dev.studio.runtime.store.Message;
import dev.studio.runtime.store.RunStore;
import dev.studio.runtime.store.ChatThread;
import dev.studio.runtime.store.ThreadStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * {@code /api/{org}/threads}: threads and their messages. Posting a message stores it and a queued
 * run in one transaction, then hands the run to dispatch: {@code 202 {runId, streamUrl}}.
 */
public final class ThreadRoutes implements RouteGroup {
  public static final int MAX_MESSAGE_CHARS = 100_000;
  static final Pattern BUNDLE = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");

  private final Authentication authentication;
  private final ThreadStore threads;
  private final RunStore runs;
  private final RunSubmitter submitter;
  private final RateLimiter rateLimiter;
  private final Backpressure backpressure;
  private final int maxSteps;
  /** Whether a bundle a message names is deployed. */
  private final Predicate<String> bundles;

  record CreateThread(String title) {}

  record PostMessage(String text, String bundle) {}

  public ThreadRoutes(Authentication authentication, ThreadStore threads, RunStore runs, RunSubmitter submitter,
      RateLimiter rateLimiter, Backpressure backpressure, int maxSteps,
      Predicate<String> bundles) {
    this.bundles = bundles;
    this.authentication = authentication;
    this.threads = threads;
    this.runs = runs;
    this.submitter = submitter;
    this.rateLimiter = rateLimiter;
    this.backpressure = backpressure;
    this.maxSteps = maxSteps;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/api/{org}/threads", ctx -> {
      var scope = authentication.scope(ctx);
      var body = ctx.body().isBlank() ? new CreateThread(null) : Bodies.read(ctx, CreateThread.class);
      var thread = threads.create(scope.org().id(), Bodies.bounded("title", body.title(), 500));
      ctx.status(201).json(json(thread));
    });
    routes.get("/api/{org}/threads", ctx -> {
      var scope = authentication.scope(ctx);
      int limit = Math.max(1, Math.min(200, ctx.queryParamAsClass("limit", Integer.class).getOrDefault(50)));
      ctx.json(Map.of("threads", threads.list(scope.org().id(), limit).stream().map(ThreadRoutes::json).toList()));
    });
    routes.get("/api/{org}/threads/{thread}", ctx -> {
      var thread = thread(ctx);
      var json = json(thread);
      json.put("messages", threads.messages(thread.id()).stream().map(ThreadRoutes::json).toList());
      ctx.json(json);
    });
    routes.get("/api/{org}/threads/{thread}/messages", ctx -> {
      var thread = thread(ctx);
      ctx.json(Map.of("messages", threads.messages(thread.id()).stream().map(ThreadRoutes::json).toList()));
    });
    routes.post("/api/{org}/threads/{thread}/messages", this::post);
  }

  private void post(Context ctx) {
    var scope = authentication.scope(ctx);
    UUID threadId = Ids.parse("thread", ctx.pathParam("thread"));
    var body = Bodies.read(ctx, PostMessage.class);
    String text = Bodies.required("text", body.text(), MAX_MESSAGE_CHARS);
    if (body.bundle() != null && !BUNDLE.matcher(body.bundle()).matches()) {
      throw ApiException.badRequest("bundle", "bundle must be the name of a Bundle (lowercase letters, digits and '-')");
    }
    if (body.bundle() != null && !bundles.test(body.bundle())) {
      throw ApiException.notFound("bundle", body.bundle());
    }
    var principal = scope.principal();
    if (!principal.admin()) {
      var verdict = rateLimiter.check(principal.tokenId(), principal.tier());
      if (!verdict.allowed()) {
        throw ApiException.rateLimited("too many messages for this token's tier (" + principal.tier() + ")", verdict.retryAfter());
      }
    }
    if (!backpressure.admits(principal.tier())) {
      throw ApiException.unavailable("the platform is busy: its run queues are full; try again shortly", Backpressure.RETRY_AFTER);
    }
    // The thread is looked up by the same statement that stores the message (the hot path).
    var posted = runs.post(scope.org().id(), threadId, text, principal.tier(), body.bundle(), maxSteps)
        .orElseThrow(() -> ApiException.notFound("thread", ctx.pathParam("thread")));
    submitter.submit(posted.run(), principal.tokenId());
    var json = new LinkedHashMap<String, Object>();
    json.put("runId", posted.run().id().toString());
    json.put("messageId", posted.message().id().toString());
    json.put("streamUrl", "/api/" + scope.org().slug() + "/threads/" + threadId + "/stream");
    ctx.status(202).json(json);
  }

  private ChatThread thread(Context ctx) {
    var scope = authentication.scope(ctx);
    return threads.get(scope.org().id(), Ids.parse("thread", ctx.pathParam("thread")))
        .orElseThrow(() -> ApiException.notFound("thread", ctx.pathParam("thread")));
  }

  static LinkedHashMap<String, Object> json(ChatThread thread) {
    var json = new LinkedHashMap<String, Object>();
    json.put("id", thread.id().toString());
    json.put("title", thread.title());
    json.put("createdAt", thread.createdAt().toString());
    return json;
  }

  static Map<String, Object> json(Message message) {
    var json = new LinkedHashMap<String, Object>();
    json.put("id", message.id().toString());
    json.put("role", message.role());
    json.put("text", message.text());
    json.put("runId", message.runId() == null ? null : message.runId().toString());
    json.put("createdAt", message.createdAt().toString());
    return json;
  }
}
