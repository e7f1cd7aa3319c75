package dev.studio.runtime.mcp;

import dev.studio.runtime.agent.tools.OrgTools;
import dev.studio.runtime.auth.Authenticator;
import dev.studio.runtime.http.Authentication;
import dev.studio.runtime.http.RouteGroup;
import dev.studio.runtime.vault.Vault;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** The MCP mesh of one process: its stores, its downstream clients, and what it offers the api and the worker. */
public final class Mcp implements AutoCloseable {
  private final ConnectionStore connections;
  private final VirtualMcpStore virtuals;
  private final DownstreamClients clients;
  private final Jdbi jdbi;
  private ToolAudit audit;

  public Mcp(Jdbi jdbi, Vault vault) {
    this.jdbi = jdbi;
    this.connections = new ConnectionStore(jdbi, new CredentialVault(vault));
    this.virtuals = new VirtualMcpStore(jdbi);
    this.clients = new DownstreamClients(connections, new OAuthRefresh(Clock.systemUTC()));
  }

  /** The tools of a run's org, for the worker's agent loop. */
  public OrgTools orgTools() {
    return new ConnectionTools(connections, clients);
  }

  /**
   * The api's routes: connections and virtual MCPs under /api, and the /mcp proxy, which checks
   * tokens itself (it is outside /api).
   */
  public synchronized List<RouteGroup> routes(Authentication authentication, Authenticator authenticator) {
    if (audit == null) {
      audit = new ToolAudit(jdbi);
    }
    return List.of(new ConnectionRoutes(authentication, connections, clients), new VirtualMcpRoutes(authentication, virtuals),
        new McpProxyRoutes(authenticator, connections, virtuals, clients, audit));
  }

  @Override
  public synchronized void close() throws InterruptedException {
    clients.close();
    if (audit != null) {
      audit.close();
    }
  }
}
