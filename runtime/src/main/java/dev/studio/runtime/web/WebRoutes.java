package dev.studio.runtime.web;

import dev.studio.runtime.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Serves the web app: {@code /} (and {@code /index.html}) never cached, so a new release is picked
 * up on the next load; {@code /assets/*} under content-hashed names, cached for good. Unknown
 * assets answer 404; the app routes on the URL fragment, so no other path needs the page.
 */
public final class WebRoutes implements RouteGroup {
  static final String IMMUTABLE = "public, max-age=31536000, immutable";

  private final Map<String, WebBuild.Asset> assets;

  public WebRoutes(Map<String, WebBuild.Asset> assets) {
    this.assets = Map.copyOf(assets);
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/", ctx -> page(ctx, "index.html"));
    routes.get("/index.html", ctx -> page(ctx, "index.html"));
    routes.get("/assets/{file}", ctx -> {
      var asset = assets.get(WebBuild.ASSETS + ctx.pathParam("file"));
      if (asset == null) {
        ctx.status(404).contentType("text/plain").result("no such asset");
        return;
      }
      ctx.header("Cache-Control", IMMUTABLE);
      send(ctx, asset);
    });
  }

  private void page(Context ctx, String path) {
    ctx.header("Cache-Control", "no-cache");
    // The page frames only its own sandbox previews; nobody frames the page.
    ctx.header("X-Frame-Options", "DENY");
    send(ctx, assets.get(path));
  }

  private static void send(Context ctx, WebBuild.Asset asset) {
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.contentType(asset.contentType()).result(asset.content());
  }
}
