package dev.studio.runtime.testing;

import dev.studio.runtime.TestDatabase;
import dev.studio.runtime.datastore.Postgres;
import dev.studio.runtime.datastore.PostgresUrl;
import dev.studio.runtime.store.Migrations;
import dev.studio.runtime.store.OrgStore;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * A fresh database on the local PostgreSQL with the shipped migrations applied, a pool on it, and
 * one org: for tests of a store without a whole runtime.
 */
public final class MigratedDatabase implements AutoCloseable {
  private final TestDatabase database = TestDatabase.create();
  private final Postgres postgres;
  private final UUID org;

  public MigratedDatabase() {
    postgres = new Postgres(PostgresUrl.parse("DATABASE_URL", database.url()), "test", 8);
    Migrations.fromClasspath().apply(postgres.jdbi());
    org = new OrgStore(postgres.jdbi()).create("acme-" + System.nanoTime(), "Acme").orElseThrow().id();
  }

  public Jdbi jdbi() {
    return postgres.jdbi();
  }

  public Postgres postgres() {
    return postgres;
  }

  /** The org made with the database. */
  public UUID org() {
    return org;
  }

  @Override
  public void close() {
    postgres.close();
    database.close();
  }
}
