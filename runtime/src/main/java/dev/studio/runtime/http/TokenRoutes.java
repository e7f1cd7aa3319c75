package dev.studio.runtime.http;

import dev.studio.runtime.auth.TokenFormat;
import dev.studio.runtime.dispatch.Lane;
import dev.studio.runtime.store.TokenStore;
import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@code /api/{org}/tokens}: API tokens of an org, managed with the admin token. A token is shown
 * once, when created; only its hash is kept.
 */
public final class TokenRoutes implements RouteGroup {
  private final Authentication authentication;
  private final TokenStore tokens;
  private final Consumer<UUID> revoked;

  record CreateToken(String name, String tier) {}

  /** @param revoked told of each revocation, so every process forgets the token at once */
  public TokenRoutes(Authentication authentication, TokenStore tokens, Consumer<UUID> revoked) {
    this.authentication = authentication;
    this.tokens = tokens;
    this.revoked = revoked;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/api/{org}/tokens", ctx -> {
      var scope = authentication.scope(ctx);
      Authentication.admin(ctx);
      var body = Bodies.read(ctx, CreateToken.class);
      String name = Bodies.required("name", body.name(), 200);
      String tierName = Bodies.required("tier", body.tier(), 20);
      Lane tier = Lane.named(tierName).orElseThrow(() -> ApiException.badRequest("tier",
          "tier must be one of privileged, paid, registered, anonymous"));
      String token = TokenFormat.generate();
      var info = tokens.create(scope.org().id(), name, tier, TokenFormat.hash(token));
      var json = new LinkedHashMap<String, Object>();
      json.put("id", info.id().toString());
      json.put("token", token);
      json.put("name", info.name());
      json.put("tier", info.tier().name());
      ctx.status(201).json(json);
    });
    routes.get("/api/{org}/tokens", ctx -> {
      var scope = authentication.scope(ctx);
      Authentication.admin(ctx);
      ctx.json(Map.of("tokens", tokens.list(scope.org().id()).stream().map(t -> {
        var json = new LinkedHashMap<String, Object>();
        json.put("id", t.id().toString());
        json.put("name", t.name());
        json.put("tier", t.tier().name());
        json.put("createdAt", t.createdAt().toString());
        json.put("revokedAt", t.revokedAt() == null ? null : t.revokedAt().toString());
        return json;
      }).toList()));
    });
    routes.delete("/api/{org}/tokens/{token}", ctx -> {
      var scope = authentication.scope(ctx);
      Authentication.admin(ctx);
      UUID id = Ids.parse("token", ctx.pathParam("token"));
      if (!tokens.revoke(scope.org().id(), id)) {
        throw ApiException.notFound("token", id.toString());
      }
      revoked.accept(id);
      ctx.status(204);
    });
  }
}
