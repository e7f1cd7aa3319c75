package dev.studio.daemon.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.daemon.DaemonException;
import dev.studio.daemon.process.BashRunner;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Duration;

/** {@code POST /_sandbox/bash}: one command, answered when it ends or its timeout kills it. */
public final class BashRoutes implements RouteGroup {
  static final int DEFAULT_TIMEOUT_MS = 120_000;
  static final int MAX_TIMEOUT_MS = 600_000;

  private final BashRunner bash;
  private final ObjectMapper json;

  public BashRoutes(BashRunner bash, ObjectMapper json) {
    this.bash = bash;
    this.json = json;
  }

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.post("/_sandbox/bash", ctx -> {
      JsonBody body = JsonBody.read(ctx, json);
      String command = body.requiredString("command");
      if (command.isBlank()) {
        throw DaemonException.invalidField("command", "must not be blank");
      }
      Integer timeoutMs = body.optionalInt("timeoutMs", 1, MAX_TIMEOUT_MS);
      ctx.json(bash.run(command, Duration.ofMillis(timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs)));
    });
  }
}
