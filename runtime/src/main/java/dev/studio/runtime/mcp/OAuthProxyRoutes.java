package dev.studio.runtime.mcp;

import dev.studio.runtime.auth.Authenticator;
import dev.studio.runtime.auth.Principal;
import dev.studio.runtime.http.ApiException;
import dev.studio.runtime.http.Ids;
import dev.studio.runtime.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /oauth-proxy/{connectionId}/...}: the authorization-code flow (with PKCE) by which a user
 * lets the platform act on a downstream that takes OAuth. {@code authorize} (the org's token)
 * sends the user to the downstream's authorization server; the server sends them back to {@code
 * callback} (public: a browser arrives with no token, so the sealed, single-use {@code state} is
 * what proves the flow started here), where the code is exchanged for tokens that go into the vault
 * on the connection. From then on {@code /mcp/{id}} and the worker call the downstream with them,
 * refreshing as they expire.
 *
 * <p>The client secret, the tokens and the PKCE verifier appear in no answer and no log line.
 */
final class OAuthProxyRoutes implements RouteGroup {
  private static final Logger log = LoggerFactory.getLogger(OAuthProxyRoutes.class);

  private final Authenticator authenticator;
  private final ConnectionStore connections;
  private final OAuthStates states;
  private final OAuthRefresh oauth;
  private final Consumer<UUID> changed;
  private final String publicUrl;

  OAuthProxyRoutes(Authenticator authenticator, ConnectionStore connections, OAuthStates states, OAuthRefresh oauth,
      Consumer<UUID> changed, String publicUrl) {
    this.authenticator = authenticator;
    this.connections = connections;
    this.states = states;
    this.oauth = oauth;
    this.changed = changed;
    this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/oauth-proxy/{connectionId}/authorize", this::authorize);
    routes.get("/oauth-proxy/{connectionId}/callback", this::callback);
  }

  /**
   * A 302 to the authorization server; a client that asks for JSON (the SPA, which cannot follow a
   * cross-origin redirect with its token) gets {@code {"authorizeUrl"}} to open itself.
   */
  private void authorize(Context ctx) {
    var principal = principal(ctx);
    UUID id = Ids.parse("connection", ctx.pathParam("connectionId"));
    var opened = connections.read(id).orElseThrow(() -> ApiException.notFound("connection", id.toString()));
    if (!principal.mayAccess(opened.connection().orgId())) {
      throw ApiException.forbidden("the token belongs to another org");
    }
    var credentials = opened.credentials();
    if (credentials.type() != Credentials.Type.oauth || credentials.authorizeUrl() == null) {
      throw ApiException.badRequest("auth.authorizeUrl", "connection " + opened.connection().name()
          + " has no auth.authorizeUrl: give it auth type oauth with authorizeUrl, tokenUrl and clientId first");
    }
    var state = states.start(id, opened.connection().orgId());
    var query = new LinkedHashMap<String, String>();
    query.put("response_type", "code");
    query.put("client_id", credentials.clientId());
    query.put("redirect_uri", redirectUri(id));
    query.put("code_challenge", state.challenge());
    query.put("code_challenge_method", "S256");
    query.put("state", states.seal(state));
    if (credentials.scopes() != null && !credentials.scopes().isBlank()) {
      query.put("scope", credentials.scopes());
    }
    // RFC 8707: the token is for this downstream, as the MCP authorization spec asks.
    query.put("resource", opened.connection().url());
    String url = credentials.authorizeUrl() + (credentials.authorizeUrl().contains("?") ? "&" : "?") + encode(query);
    String accept = ctx.header("Accept");
    if (accept != null && accept.contains("application/json")) {
      ctx.json(Map.of("authorizeUrl", url));
    } else {
      ctx.redirect(url, io.javalin.http.HttpStatus.FOUND);
    }
  }

  private void callback(Context ctx) {
    UUID id = Ids.parse("connection", ctx.pathParam("connectionId"));
    String error = ctx.queryParam("error");
    if (error != null) {
      throw new ApiException(400, "authorization_refused", "the authorization server answered " + safe(error)
          + ": the connection was not authorized", Map.of("error", safe(error)), null);
    }
    String sealed = ctx.queryParam("state");
    String code = ctx.queryParam("code");
    if (code == null || code.isBlank()) {
      throw ApiException.badRequest("code", "code is required");
    }
    var state = sealed == null ? null : states.use(sealed).filter(s -> s.connection().equals(id)).orElse(null);
    if (state == null) {
      throw new ApiException(400, "invalid_state", "the state is not valid: unknown, expired, for another connection, or used "
          + "already; start again at /oauth-proxy/" + id + "/authorize", Map.of("field", "state"), null);
    }
    var opened = connections.read(id).filter(o -> o.connection().orgId().equals(state.org()))
        .orElseThrow(() -> ApiException.notFound("connection", id.toString()));
    var connection = opened.connection();
    Credentials tokens;
    try {
      tokens = oauth.authorizationCode(connection, opened.credentials(), code, redirectUri(id), state.verifier());
    } catch (DownstreamException e) {
      throw ConnectionRoutes.downstream(e);
    }
    connections.replaceCredentials(id, tokens).orElseThrow(() -> ApiException.notFound("connection", id.toString()));
    changed.accept(id);
    log.info("connection {} ({}) authorized through OAuth", connection.name(), id);
    String accept = ctx.header("Accept");
    if (accept != null && accept.contains("application/json")) {
      ctx.json(Map.of("connected", true, "connection", Map.of("id", id.toString(), "name", connection.name())));
    } else {
      ctx.html("<!doctype html><meta charset=utf-8><title>Connected</title><p>Connected <b>" + html(connection.name())
          + "</b>. You can close this window.</p>");
    }
  }

  private String redirectUri(UUID id) {
    return publicUrl + "/oauth-proxy/" + id + "/callback";
  }

  private Principal principal(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw ApiException.unauthorized("send the org's API token: Authorization: Bearer <token>");
    }
    return authenticator.authenticate(header.substring(7).trim())
        .orElseThrow(() -> ApiException.unauthorized("the token is not valid (unknown, malformed or revoked)"));
  }

  private static String encode(Map<String, String> query) {
    return query.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  /** An error code of the authorization server, echoed: printable ASCII only, bounded. */
  private static String safe(String value) {
    String printable = value.chars().filter(c -> c >= 0x20 && c < 0x7f).limit(100)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return printable.isEmpty() ? "an error" : printable;
  }

  private static String html(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
