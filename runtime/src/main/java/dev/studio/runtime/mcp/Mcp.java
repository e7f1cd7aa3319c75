package dev.studio.runtime.mcp;

import dev.studio.runtime.http.Authentication;
import dev.studio.runtime.http.RouteGroup;
import dev.studio.runtime.vault.Vault;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** The MCP mesh of one process: its stores, its downstream clients, and what it offers the api and the worker. */
public final class Mcp implements AutoCloseable {
  private final ConnectionStore connections;
  private final DownstreamClients clients;

  public Mcp(Jdbi jdbi, Vault vault) {
    this.connections = new ConnectionStore(jdbi, new CredentialVault(vault));
    this.clients = new DownstreamClients(connections);
  }

  /** The api's routes: connections under /api. */
  public List<RouteGroup> routes(Authentication authentication) {
    return List.of(new ConnectionRoutes(authentication, connections, clients));
  }

  @Override
  public void close() {
    clients.close();
  }
}
