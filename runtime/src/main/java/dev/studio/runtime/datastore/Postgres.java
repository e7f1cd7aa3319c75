package dev.studio.runtime.datastore;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/** The PostgreSQL connection pool and the Jdbi built on it. */
public final class Postgres implements AutoCloseable {
  private final HikariDataSource dataSource;
  private final Jdbi jdbi;

  public Postgres(PostgresUrl url, String applicationName, int poolSize) {
    var config = new HikariConfig();
    config.setJdbcUrl(url.jdbcUrl());
    url.user().ifPresent(config::setUsername);
    url.password().ifPresent(p -> config.setPassword(p.reveal()));
    config.setPoolName("studio-postgres");
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(Math.min(2, poolSize));
    config.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
    config.setValidationTimeout(Duration.ofSeconds(2).toMillis());
    // Start even when the database is not up yet: the readiness probe says so until it is.
    config.setInitializationFailTimeout(-1);
    config.addDataSourceProperty("ApplicationName", applicationName);
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    // A statement of a process that died (a killed worker waiting on a row lock) is aborted, not
    // left to commit once the lock frees.
    config.addDataSourceProperty("options", "-c client_connection_check_interval=1000");
    dataSource = new HikariDataSource(config);
    jdbi = Jdbi.create(dataSource);
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** A round trip to the database. */
  public void ping() {
    jdbi.withHandle(h -> h.createQuery("select 1").mapTo(Integer.class).one());
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
