package dev.studio.runtime.mcp;

import dev.studio.runtime.http.ApiException;
import dev.studio.runtime.http.Authentication;
import dev.studio.runtime.http.Bodies;
import dev.studio.runtime.http.Ids;
import dev.studio.runtime.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@code /api/{org}/connections}: an org's downstream MCP servers. Answers never hold a credential:
 * only the auth type and, for an API key, the header it goes in.
 */
final class ConnectionRoutes implements RouteGroup {
  private final Authentication authentication;
  private final ConnectionStore connections;
  private final DownstreamClients clients;
  /** Told of every update and delete, to drop the connection's clients and cached credentials in every process. */
  private final Consumer<UUID> changed;

  ConnectionRoutes(Authentication authentication, ConnectionStore connections, DownstreamClients clients, Consumer<UUID> changed) {
    this.authentication = authentication;
    this.connections = connections;
    this.clients = clients;
    this.changed = changed;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/api/{org}/connections", ctx -> {
      var scope = authentication.scope(ctx);
      var body = Bodies.read(ctx, ConnectionRequests.Create.class);
      String name = ConnectionRequests.name("name", body.name());
      String url = ConnectionRequests.url("url", body.url());
      int timeoutMs = ConnectionRequests.timeoutMs("timeoutMs",
          body.timeoutMs() == null ? ConnectionRequests.DEFAULT_TIMEOUT_MS : body.timeoutMs());
      var credentials = ConnectionRequests.credentials(body.auth());
      try {
        var created = connections.create(scope.org().id(), name, url, timeoutMs, credentials);
        changed.accept(created.id()); // workers list the org's connections again
        ctx.status(201).json(created.json());
      } catch (ConnectionStore.NameTaken e) {
        throw nameTaken(name);
      }
    });
    routes.get("/api/{org}/connections", ctx -> {
      var scope = authentication.scope(ctx);
      ctx.json(Map.of("connections", connections.list(scope.org().id()).stream().map(Connection::json).toList()));
    });
    routes.get("/api/{org}/connections/{id}", ctx -> ctx.json(connection(ctx).json()));
    routes.patch("/api/{org}/connections/{id}", ctx -> {
      var scope = authentication.scope(ctx);
      UUID id = Ids.parse("connection", ctx.pathParam("id"));
      var body = Bodies.read(ctx, ConnectionRequests.Update.class);
      var change = new ConnectionStore.Change(body.name() == null ? null : ConnectionRequests.name("name", body.name()),
          body.url() == null ? null : ConnectionRequests.url("url", body.url()),
          body.timeoutMs() == null ? null : ConnectionRequests.timeoutMs("timeoutMs", body.timeoutMs()),
          body.auth() == null ? null : ConnectionRequests.credentials(body.auth()));
      try {
        var updated = connections.update(scope.org().id(), id, change)
            .orElseThrow(() -> ApiException.notFound("connection", id.toString()));
        changed.accept(id);
        ctx.json(updated.json());
      } catch (ConnectionStore.NameTaken e) {
        throw nameTaken(change.name());
      }
    });
    routes.delete("/api/{org}/connections/{id}", ctx -> {
      var scope = authentication.scope(ctx);
      UUID id = Ids.parse("connection", ctx.pathParam("id"));
      if (!connections.delete(scope.org().id(), id)) {
        throw ApiException.notFound("connection", id.toString());
      }
      changed.accept(id);
      ctx.status(204);
    });
    routes.get("/api/{org}/connections/{id}/tools", ctx -> {
      var connection = connection(ctx);
      try {
        ctx.json(Map.of("tools", clients.tools(connection).stream().map(tool -> {
          var json = new LinkedHashMap<String, Object>();
          json.put("name", tool.name());
          json.put("description", tool.description());
          json.put("inputSchema", tool.inputSchema());
          json.put("annotations", tool.annotations());
          return json;
        }).toList()));
      } catch (DownstreamException e) {
        throw downstream(e);
      }
    });
  }

  private Connection connection(Context ctx) {
    var scope = authentication.scope(ctx);
    UUID id = Ids.parse("connection", ctx.pathParam("id"));
    return connections.find(scope.org().id(), id).orElseThrow(() -> ApiException.notFound("connection", id.toString()));
  }

  private static ApiException nameTaken(String name) {
    return new ApiException(409, "conflict", "a connection named " + name + " exists in this org", Map.of("field", "name"), null);
  }

  /** The downstream, not the caller, is at fault: 502, or 504 when it was too slow. */
  static ApiException downstream(DownstreamException e) {
    boolean timeout = e.code() == DownstreamException.TIMEOUT;
    return new ApiException(timeout ? 504 : 502, timeout ? "downstream_timeout" : "downstream_error", e.getMessage(), Map.of(), null);
  }
}
