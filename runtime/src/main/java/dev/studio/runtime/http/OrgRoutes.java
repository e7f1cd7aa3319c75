package dev.studio.runtime.http;

import dev.studio.runtime.store.Org;
import dev.studio.runtime.store.OrgStore;
import io.javalin.config.RoutesConfig;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code /api/orgs}: organisations, managed with the admin token. */
public final class OrgRoutes implements RouteGroup {
  static final Pattern SLUG = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");

  private final OrgStore orgs;

  record CreateOrg(String slug, String name) {}

  public OrgRoutes(OrgStore orgs) {
    this.orgs = orgs;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/api/orgs", ctx -> {
      Authentication.admin(ctx);
      var body = Bodies.read(ctx, CreateOrg.class);
      String slug = Bodies.required("slug", body.slug(), 63);
      if (!SLUG.matcher(slug).matches()) {
        throw ApiException.badRequest("slug", "slug must be lowercase letters, digits and '-', starting and ending with a letter or digit");
      }
      String name = Bodies.required("name", body.name(), 200);
      var org = orgs.create(slug, name).orElseThrow(() -> ApiException.conflict("an org with slug '" + slug + "' exists already"));
      ctx.status(201).json(json(org));
    });
    routes.get("/api/orgs", ctx -> {
      Authentication.admin(ctx);
      ctx.json(Map.of("orgs", orgs.all().stream().map(OrgRoutes::json).toList()));
    });
  }

  static Map<String, Object> json(Org org) {
    return Map.of("id", org.id().toString(), "slug", org.slug(), "name", org.name(), "createdAt", org.createdAt().toString());
  }
}
