package dev.studio.runtime.mcp;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Connections in PostgreSQL, their credentials sealed by the {@link CredentialVault}. */
final class ConnectionStore {
  private static final String COLUMNS = "id, org_id, name, url, auth_type, auth_header, timeout_ms, version, created_at, updated_at";

  private final Jdbi jdbi;
  private final CredentialVault vault;

  /** The name is taken in the org. */
  static final class NameTaken extends RuntimeException {
    NameTaken(String name) {
      super("a connection named " + name + " exists", null, false, false);
    }
  }

  /** What an update changes: a null field stays as it is. */
  record Change(String name, String url, Integer timeoutMs, Credentials credentials) {}

  ConnectionStore(Jdbi jdbi, CredentialVault vault) {
    this.jdbi = jdbi;
    this.vault = vault;
  }

  Connection create(UUID org, String name, String url, int timeoutMs, Credentials credentials) {
    UUID id = UUID.randomUUID();
    return unique(name, () -> jdbi.withHandle(h -> h.createQuery("insert into mcp_connections (id, org_id, name, url, auth_type, "
            + "auth_header, sealed_auth, timeout_ms) values (?, ?, ?, ?, ?, ?, ?, ?) returning " + COLUMNS)
        .bind(0, id).bind(1, org).bind(2, name).bind(3, url).bind(4, credentials.type().name()).bind(5, credentials.header())
        .bind(6, vault.seal(id, credentials)).bind(7, timeoutMs).map((rs, ctx) -> connection(rs)).one()));
  }

  List<Connection> list(UUID org) {
    return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from mcp_connections where org_id = ? order by name")
        .bind(0, org).map((rs, ctx) -> connection(rs)).list());
  }

  /** A connection of any org: the caller checks the org (the /mcp routes name no org). */
  Optional<Connection> find(UUID id) {
    return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from mcp_connections where id = ?").bind(0, id)
        .map((rs, ctx) -> connection(rs)).findOne());
  }

  Optional<Connection> find(UUID org, UUID id) {
    return find(id).filter(c -> c.orgId().equals(org));
  }

  /** A connection as it is now, and its credentials opened. */
  record Opened(Connection connection, Credentials credentials) {}

  /** The connection as it is now with its credentials as sealed, whether or not an OAuth token is due. */
  Optional<Opened> read(UUID id) {
    return jdbi.withHandle(h -> opened(h, id, false));
  }

  /**
   * The connection as it is now with its credentials, an OAuth access token refreshed first when
   * it is due. The refresh happens under the row's lock, so processes racing to refresh one
   * connection do it once (a token endpoint that rotates refresh tokens would refuse the second);
   * the new tokens are sealed and the version bumped, so every process's cached client is rebuilt.
   */
  Optional<Opened> open(UUID id, OAuthRefresh oauth) {
    var opened = jdbi.withHandle(h -> opened(h, id, false));
    if (opened.isEmpty() || !oauth.due(opened.get().credentials())) {
      return opened;
    }
    return jdbi.inTransaction(h -> {
      var locked = opened(h, id, true);
      if (locked.isEmpty() || !oauth.due(locked.get().credentials())) {
        return locked;
      }
      var connection = locked.get().connection();
      var refreshed = oauth.refresh(connection, locked.get().credentials());
      var updated = h.createQuery("update mcp_connections set sealed_auth = ?, version = version + 1, updated_at = now() where id = ? "
          + "returning " + COLUMNS).bind(0, vault.seal(id, refreshed)).bind(1, id).map((rs, ctx) -> connection(rs)).one();
      return Optional.of(new Opened(updated, refreshed));
    });
  }

  private Optional<Opened> opened(Handle h, UUID id, boolean lock) {
    return h.createQuery("select " + COLUMNS + ", sealed_auth from mcp_connections where id = ?" + (lock ? " for update" : ""))
        .bind(0, id).map((rs, ctx) -> new Opened(connection(rs), vault.open(id, rs.getString(11)))).findOne();
  }

  Optional<Connection> update(UUID org, UUID id, Change change) {
    return unique(change.name(), () -> jdbi.inTransaction(h -> {
      if (find(h, org, id).isEmpty()) {
        return Optional.<Connection>empty();
      }
      if (change.credentials() != null) {
        h.createUpdate("update mcp_connections set auth_type = ?, auth_header = ?, sealed_auth = ? where id = ?")
            .bind(0, change.credentials().type().name()).bind(1, change.credentials().header())
            .bind(2, vault.seal(id, change.credentials())).bind(3, id).execute();
      }
      return h.createQuery("update mcp_connections set name = coalesce(?, name), url = coalesce(?, url), "
              + "timeout_ms = coalesce(?, timeout_ms), version = version + 1, "
              + "updated_at = now() where id = ? returning " + COLUMNS)
          .bind(0, change.name()).bind(1, change.url()).bind(2, change.timeoutMs()).bind(3, id).map((rs, ctx) -> connection(rs)).findOne();
    }));
  }

  /** New credentials of the same kind (tokens an authorization gave): sealed, and the version bumped. */
  Optional<Connection> replaceCredentials(UUID id, Credentials credentials) {
    return jdbi.withHandle(h -> h.createQuery("update mcp_connections set sealed_auth = ?, version = version + 1, updated_at = now() "
        + "where id = ? returning " + COLUMNS).bind(0, vault.seal(id, credentials)).bind(1, id).map((rs, ctx) -> connection(rs)).findOne());
  }

  boolean delete(UUID org, UUID id) {
    return jdbi.withHandle(h -> h.createUpdate("delete from mcp_connections where org_id = ? and id = ?").bind(0, org).bind(1, id)
        .execute()) > 0;
  }

  private static Optional<Connection> find(Handle h, UUID org, UUID id) {
    return h.createQuery("select " + COLUMNS + " from mcp_connections where org_id = ? and id = ? for update").bind(0, org).bind(1, id)
        .map((rs, ctx) -> connection(rs)).findOne();
  }

  private static <T> T unique(String name, java.util.function.Supplier<T> write) {
    try {
      return write.get();
    } catch (UnableToExecuteStatementException e) {
      if (e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
        throw new NameTaken(name);
      }
      throw e;
    }
  }

  private static Connection connection(ResultSet rs) throws SQLException {
    return new Connection(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
        Credentials.Type.valueOf(rs.getString(5)), rs.getString(6), java.time.Duration.ofMillis(rs.getInt(7)), rs.getLong(8),
        rs.getTimestamp(9).toInstant(), rs.getTimestamp(10).toInstant());
  }
}
