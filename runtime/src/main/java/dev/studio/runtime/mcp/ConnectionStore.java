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

  /** The connection's credentials, opened. */
  Credentials credentials(Connection connection) {
    String sealed = jdbi.withHandle(h -> h.createQuery("select sealed_auth from mcp_connections where id = ?")
        .bind(0, connection.id()).mapTo(String.class).findOne().orElse(null));
    return vault.open(connection.id(), sealed);
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
