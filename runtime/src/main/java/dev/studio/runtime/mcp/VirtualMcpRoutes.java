package dev.studio.runtime.mcp;

import dev.studio.runtime.http.ApiException;
import dev.studio.runtime.http.Authentication;
import dev.studio.runtime.http.Bodies;
import dev.studio.runtime.http.Ids;
import dev.studio.runtime.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** {@code /api/{org}/virtual-mcps}: one MCP endpoint over several of the org's connections. */
final class VirtualMcpRoutes implements RouteGroup {
  private static final int MAX_CONNECTIONS = 100;

  private final Authentication authentication;
  private final VirtualMcpStore virtuals;

  record Create(String name, List<String> connections) {}

  VirtualMcpRoutes(Authentication authentication, VirtualMcpStore virtuals) {
    this.authentication = authentication;
    this.virtuals = virtuals;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/api/{org}/virtual-mcps", ctx -> {
      var scope = authentication.scope(ctx);
      var body = Bodies.read(ctx, Create.class);
      String name = Bodies.required("name", body.name(), 200);
      if (body.connections() == null || body.connections().isEmpty()) {
        throw ApiException.badRequest("connections", "connections must list at least one connection id");
      }
      if (body.connections().size() > MAX_CONNECTIONS) {
        throw ApiException.badRequest("connections", "connections may list at most " + MAX_CONNECTIONS + " ids");
      }
      var ids = new LinkedHashSet<UUID>();
      for (int i = 0; i < body.connections().size(); i++) {
        try {
          ids.add(UUID.fromString(String.valueOf(body.connections().get(i))));
        } catch (IllegalArgumentException e) {
          throw ApiException.badRequest("connections[" + i + "]", "connections[" + i + "] is not a connection id");
        }
      }
      var created = virtuals.create(scope.org().id(), name, new ArrayList<>(ids)).orElseThrow(() -> ApiException.badRequest(
          "connections", "every id in connections must be a connection of this org"));
      ctx.status(201).json(json(created));
    });
    routes.get("/api/{org}/virtual-mcps", ctx -> {
      var scope = authentication.scope(ctx);
      ctx.json(Map.of("virtualMcps", virtuals.list(scope.org().id()).stream().map(VirtualMcpRoutes::json).toList()));
    });
    routes.get("/api/{org}/virtual-mcps/{id}", ctx -> {
      var scope = authentication.scope(ctx);
      UUID id = Ids.parse("virtual MCP", ctx.pathParam("id"));
      ctx.json(json(virtuals.find(id).filter(v -> v.orgId().equals(scope.org().id()))
          .orElseThrow(() -> ApiException.notFound("virtual MCP", id.toString()))));
    });
    routes.delete("/api/{org}/virtual-mcps/{id}", ctx -> {
      var scope = authentication.scope(ctx);
      UUID id = Ids.parse("virtual MCP", ctx.pathParam("id"));
      if (!virtuals.delete(scope.org().id(), id)) {
        throw ApiException.notFound("virtual MCP", id.toString());
      }
      ctx.status(204);
    });
  }

  private static Map<String, Object> json(VirtualMcp virtual) {
    var json = new LinkedHashMap<String, Object>();
    json.put("id", virtual.id().toString());
    json.put("name", virtual.name());
    json.put("connections", virtual.connections().stream().map(UUID::toString).toList());
    return json;
  }
}
