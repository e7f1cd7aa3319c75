package dev.studio.runtime.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Plain JDBC, for the few statements every run executes. Measured on the runs benchmark, Jdbi's
 * own work per statement (its handle, statement context, binding lookup and cleanup) took as much
 * CPU as the PostgreSQL driver itself; everywhere else Jdbi's convenience is worth it.
 */
final class Jdbc {
  private Jdbc() {}

  /** Work on a connection; its failures are the caller's. */
  @FunctionalInterface
  interface Work<T> {
    T on(Connection connection) throws SQLException;
  }

  /** Runs {@code work} on a pooled connection in autocommit mode (one statement, one transaction). */
  static <T> T withConnection(DataSource dataSource, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      return work.on(connection);
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
  static <T> T inTransaction(DataSource dataSource, Work<T> work) {
    return withConnection(dataSource, connection -> {
      connection.setAutoCommit(false);
      try {
        T result = work.on(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    });
  }
}
