package dev.studio.runtime.mcp;

import dev.studio.runtime.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 9728 metadata of the {@code /mcp} routes as OAuth protected resources, public as the RFC
 * wants: an MCP client that gets a 401 follows {@code resource_metadata} here to learn that the
 * platform itself issues the tokens it takes (an org's API token, sent as a Bearer header).
 *
 * <p>{@code /.well-known/oauth-protected-resource} describes {@code /mcp} as a whole; the
 * path-suffixed form {@code /.well-known/oauth-protected-resource/mcp/...} (RFC 9728 §3.1: the
 * well-known segment goes between the host and the resource's path) describes one endpoint, and its
 * {@code resource} is that endpoint's URL, as a client checks.
 */
final class ProtectedResource implements RouteGroup {
  static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";
  /** An org token reaches every tool of its org: there is one scope. */
  static final List<String> SCOPES = List.of("mcp");

  private final String publicUrl;

  ProtectedResource(String publicUrl) {
    this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
  }

  /** Where the metadata of the resource at {@code path} (e.g. /mcp/{id}) is. */
  String metadataUrl(String path) {
    return publicUrl + WELL_KNOWN + path;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(WELL_KNOWN, ctx -> ctx.json(metadata("/mcp")));
    routes.get(WELL_KNOWN + "/mcp/{id}", ctx -> ctx.json(metadata("/mcp/" + ctx.pathParam("id"))));
    routes.get(WELL_KNOWN + "/mcp/virtual-mcp/{id}", ctx -> ctx.json(metadata("/mcp/virtual-mcp/" + ctx.pathParam("id"))));
  }

  /**
   * Says nothing about whether the resource exists: the metadata is public, and which ids exist
   * is not.
   */
  private Map<String, Object> metadata(String path) {
    var json = new LinkedHashMap<String, Object>();
    json.put("resource", publicUrl + path);
    json.put("authorization_servers", List.of(publicUrl));
    json.put("bearer_methods_supported", List.of("header"));
    json.put("scopes_supported", SCOPES);
    json.put("resource_name", "Studio MCP mesh");
    return json;
  }
}
