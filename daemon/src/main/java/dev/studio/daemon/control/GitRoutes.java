package dev.studio.daemon.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.daemon.events.EventBus;
import dev.studio.daemon.git.GitService;
import dev.studio.daemon.git.PublishResult;
import io.javalin.router.JavalinDefaultRoutingApi;

/** {@code GET /_sandbox/git/{status|diff}}, {@code POST /_sandbox/git/{publish|discard}}. */
public final class GitRoutes implements RouteGroup {
  private final GitService git;
  private final EventBus events;
  private final ObjectMapper json;

  public GitRoutes(GitService git, EventBus events, ObjectMapper json) {
    this.git = git;
    this.events = events;
    this.json = json;
  }

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.get("/_sandbox/git/status", ctx -> ctx.json(git.status()));
    routes.get("/_sandbox/git/diff", ctx -> ctx.json(git.diff(ctx.queryParam("path"))));
    routes.post("/_sandbox/git/publish", ctx -> {
      JsonBody body = JsonBody.read(ctx, json);
      PublishResult result = git.publish(body.optionalString("message"), body.optionalString("branch"));
      events.publish("git.published", result);
      ctx.json(result);
    });
    routes.post("/_sandbox/git/discard", ctx -> {
      JsonBody body = JsonBody.read(ctx, json);
      ctx.json(git.discard(body.optionalStringList("paths")));
      events.publish("git.discarded", java.util.Map.of());
    });
  }
}
