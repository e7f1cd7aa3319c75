package dev.studio.runtime.http;

import dev.studio.runtime.RuntimeConfig;
import dev.studio.runtime.store.OrgStore;
import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;

/**
 * {@code GET /api/me}: who the token is (admin of every org, or a member of one org with a tier)
 * and which model answers, so a client such as the web app can sign in with nothing but a token
 * and label the offline {@code dev} model as such.
 */
public final class SessionRoutes implements RouteGroup {
  private final OrgStore orgs;
  private final RuntimeConfig.Model model;

  public SessionRoutes(OrgStore orgs, RuntimeConfig.Model model) {
    this.orgs = orgs;
    this.model = model;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/api/me", ctx -> {
      var principal = Authentication.principal(ctx);
      var json = new LinkedHashMap<String, Object>();
      json.put("admin", principal.admin());
      json.put("tier", principal.tier().name());
      json.put("org", principal.orgId() == null ? null : orgs.byId(principal.orgId()).map(OrgRoutes::json).orElse(null));
      var modelJson = new LinkedHashMap<String, Object>();
      modelJson.put("provider", model.provider().name());
      modelJson.put("name", model.name().orElse(null));
      json.put("model", modelJson);
      ctx.json(json);
    });
  }
}
