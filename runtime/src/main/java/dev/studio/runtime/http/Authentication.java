package dev.studio.runtime.http;

import dev.studio.runtime.auth.Authenticator;
import dev.studio.runtime.auth.Principal;
import dev.studio.runtime.store.Org;
import dev.studio.runtime.store.OrgStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every {@code /api} request carries {@code Authorization: Bearer <token>}: an org token or the
 * admin token. {@link #scope} then checks the caller may act in the org the path names.
 */
public final class Authentication implements RouteGroup {
  static final String PRINCIPAL = "studio.principal";

  private final Authenticator authenticator;
  private final OrgStore orgs;
  /**
   * Orgs by slug, as found: an org is never renamed or deleted, so a found one stays right, and
   * every request naming it is spared a query. Misses are not kept (the org may be created soon).
   */
  private final ConcurrentHashMap<String, Org> orgsBySlug = new ConcurrentHashMap<>();
  static final int ORG_CACHE_SIZE = 10_000;

  /** An org and the caller acting in it. */
  public record Scope(Org org, Principal principal) {}

  public Authentication(Authenticator authenticator, OrgStore orgs) {
    this.authenticator = authenticator;
    this.orgs = orgs;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.before("/api/*", ctx -> {
      if (ctx.method().name().equals("OPTIONS")) {
        return;
      }
      String header = ctx.header("Authorization");
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw ApiException.unauthorized("send an API token: Authorization: Bearer <token>");
      }
      var principal = authenticator.authenticate(header.substring(7).trim())
          .orElseThrow(() -> ApiException.unauthorized("the token is not valid (unknown, malformed or revoked)"));
      ctx.attribute(PRINCIPAL, principal);
    });
  }

  public static Principal principal(Context ctx) {
    Principal principal = ctx.attribute(PRINCIPAL);
    if (principal == null) {
      throw ApiException.unauthorized("send an API token: Authorization: Bearer <token>");
    }
    return principal;
  }

  public static Principal admin(Context ctx) {
    var principal = principal(ctx);
    if (!principal.admin()) {
      throw ApiException.forbidden("this needs the admin token");
    }
    return principal;
  }

  private Org org(String slug) {
    var cached = orgsBySlug.get(slug);
    if (cached != null) {
      return cached;
    }
    var org = orgs.bySlug(slug).orElseThrow(() -> ApiException.notFound("org", slug));
    if (orgsBySlug.size() >= ORG_CACHE_SIZE) {
      orgsBySlug.clear();
    }
    orgsBySlug.put(slug, org);
    return org;
  }

  /** The org of the {@code {org}} path segment, if the caller may act in it. */
  public Scope scope(Context ctx) {
    var principal = principal(ctx);
    String slug = ctx.pathParam("org");
    var org = org(slug);
    if (!principal.mayAccess(org.id())) {
      throw ApiException.forbidden("the token belongs to another org");
    }
    return new Scope(org, principal);
  }
}
