package dev.studio.runtime.mcp;

import dev.studio.runtime.agent.tools.OrgTools;
import dev.studio.runtime.auth.Authenticator;
import dev.studio.runtime.datastore.Nats;
import dev.studio.runtime.datastore.Redis;
import dev.studio.runtime.http.Authentication;
import dev.studio.runtime.http.RouteGroup;
import dev.studio.runtime.vault.Vault;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** The MCP mesh of one process: its stores, its downstream clients, and what it offers the api and the worker. */
public final class Mcp implements AutoCloseable {
  private final ConnectionStore connections;
  private final VirtualMcpStore virtuals;
  private final OAuthRefresh oauth = new OAuthRefresh(Clock.systemUTC());
  private final DownstreamClients clients;
  private final ConnectionCache cache;
  private final ConnectionTools orgTools;
  private final ConnectionChanges changes;
  private final Jdbi jdbi;
  private final Vault vault;
  private final Redis redis;
  private final String publicUrl;
  private ToolAudit audit;
  private McpForwarder forwarder;

  /**
   * @param instance the platform's instance, which names the NATS subject of connection changes
   * @param publicUrl where clients reach the api: the base of the OAuth metadata and redirect URLs
   */
  public Mcp(Jdbi jdbi, Vault vault, Nats nats, Redis redis, String instance, String publicUrl) {
    this.jdbi = jdbi;
    this.vault = vault;
    this.redis = redis;
    this.publicUrl = publicUrl;
    this.connections = new ConnectionStore(jdbi, new CredentialVault(vault));
    this.virtuals = new VirtualMcpStore(jdbi);
    this.clients = new DownstreamClients(connections, oauth);
    this.cache = new ConnectionCache(connections, oauth);
    this.orgTools = new ConnectionTools(connections, clients);
    // Every role listens: a worker keeps clients for its runs' tools as the api does for /mcp.
    this.changes = new ConnectionChanges(nats, instance, this::forget);
  }

  /** The tools of a run's org, for the worker's agent loop. */
  public OrgTools orgTools() {
    return orgTools;
  }

  /**
   * The api's routes: connections and virtual MCPs under /api, the /mcp proxy and /oauth-proxy,
   * which check tokens themselves (they are outside /api), and the public OAuth metadata.
   */
  public synchronized List<RouteGroup> routes(Authentication authentication, Authenticator authenticator) {
    if (audit == null) {
      audit = new ToolAudit(jdbi);
      forwarder = new McpForwarder();
    }
    var metadata = new ProtectedResource(publicUrl);
    return List.of(new ConnectionRoutes(authentication, connections, clients, this::changed),
        new VirtualMcpRoutes(authentication, virtuals),
        new McpProxyRoutes(authenticator, connections, virtuals, clients, audit, cache, forwarder, metadata),
        metadata,
        new OAuthProxyRoutes(authenticator, connections, new OAuthStates(vault, redis, Clock.systemUTC()), oauth, this::changed,
            publicUrl));
  }

  /** A connection changed or is gone: forgotten here at once, and by every other process when the broadcast arrives. */
  private void changed(UUID connection) {
    forget(connection);
    changes.changed(connection);
  }

  /** Closes the connection's idle client and drops its cached credentials and the cached lists of connections. */
  private void forget(UUID connection) {
    cache.forget(connection);
    clients.forget(connection);
    orgTools.forgetLists();
  }

  /** Ends the SSE streams passed on from downstreams, so the http server's graceful stop need not wait for them. */
  public synchronized void closeStreams() {
    if (forwarder != null) {
      forwarder.closeStreams();
    }
  }

  /** Whether this process holds a client for the connection (for tests of the broadcast). */
  boolean holdsClient(UUID connection) {
    return clients.holds(connection);
  }

  @Override
  public synchronized void close() throws InterruptedException {
    changes.close();
    clients.close();
    if (forwarder != null) {
      forwarder.close();
    }
    if (audit != null) {
      audit.close();
    }
  }
}
