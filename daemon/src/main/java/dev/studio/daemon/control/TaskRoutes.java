package dev.studio.daemon.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.daemon.DaemonException;
import dev.studio.daemon.tasks.Task;
import dev.studio.daemon.tasks.TaskManager;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Duration;
import java.util.Map;

/** Long-running commands: list, start, follow the output of (SSE) and kill. */
public final class TaskRoutes implements RouteGroup {
  private final TaskManager tasks;
  private final ObjectMapper json;
  private final Duration keepAlive;

  public TaskRoutes(TaskManager tasks, ObjectMapper json, Duration keepAlive) {
    this.tasks = tasks;
    this.json = json;
    this.keepAlive = keepAlive;
  }

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.get("/_sandbox/tasks", ctx -> ctx.json(Map.of("tasks", tasks.list())));
    routes.post("/_sandbox/tasks", ctx -> {
      JsonBody body = JsonBody.read(ctx, json);
      String command = body.requiredString("command");
      if (command.isBlank()) {
        throw DaemonException.invalidField("command", "must not be blank");
      }
      Task task = tasks.start(command, body.optionalString("name"), Map.of());
      ctx.status(201).json(task.info());
    });
    routes.get("/_sandbox/tasks/{id}/stream", ctx -> SseStream.serve(ctx, tasks.get(ctx.pathParam("id")).follow(), keepAlive));
    routes.post("/_sandbox/tasks/{id}/kill", ctx -> ctx.json(tasks.kill(ctx.pathParam("id"))));
  }
}
