package dev.studio.runtime.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.studio.runtime.TestDatabase;
import dev.studio.runtime.datastore.PostgresUrl;
import dev.studio.runtime.datastore.Postgres;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MigrationsTest {
  TestDatabase database;

  @BeforeEach
  void create() {
    database = TestDatabase.create();
  }

  @AfterEach
  void drop() {
    database.close();
  }

  @Test
  void replicasStartingAtOnceMigrateOnce() throws Exception {
    // Each migration fails if run twice (plain CREATE TABLE, a counted insert).
    var migrations = new Migrations(List.of(
        migration(1, "first", "create table a (id int); insert into migration_runs values ('first');"),
        migration(2, "second", "create table b (id int); insert into migration_runs values ('second');")));
    try (var setup = postgres()) {
      setup.jdbi().useHandle(h -> h.execute("create table migration_runs (name text)"));
    }
    int replicas = 6;
    var pools = new ArrayList<Postgres>();
    for (int i = 0; i < replicas; i++) {
      pools.add(postgres());
    }
    var start = new CountDownLatch(1);
    var executor = Executors.newFixedThreadPool(replicas);
    List<Future<List<Integer>>> results = new ArrayList<>();
    for (Postgres pool : pools) {
      results.add(executor.submit(() -> {
        start.await();
        return migrations.apply(pool.jdbi());
      }));
    }
    start.countDown();
    List<Integer> appliedByAll = new ArrayList<>();
    for (var result : results) {
      appliedByAll.addAll(result.get());
    }
    executor.shutdown();
    assertThat(appliedByAll).containsExactlyInAnyOrder(1, 2);
    try (var check = postgres()) {
      List<String> runs = check.jdbi().withHandle(h -> h.createQuery("select name from migration_runs order by name").mapTo(String.class).list());
      assertThat(runs).containsExactly("first", "second");
      List<Integer> versions = check.jdbi().withHandle(h -> h.createQuery("select version from schema_migrations order by version").mapTo(Integer.class).list());
      assertThat(versions).containsExactly(1, 2);
    }
    pools.forEach(Postgres::close);
  }

  @Test
  void theShippedMigrationsApplyAndAreThenUpToDate() {
    try (var postgres = postgres()) {
      var migrations = Migrations.fromClasspath();
      assertThat(migrations.migrations()).isNotEmpty();
      assertThat(migrations.apply(postgres.jdbi())).isNotEmpty();
      assertThat(migrations.apply(postgres.jdbi())).isEmpty();
    }
  }

  @Test
  void aMigrationChangedAfterItRanStopsStartUp() {
    try (var postgres = postgres()) {
      new Migrations(List.of(migration(1, "first", "create table a (id int);"))).apply(postgres.jdbi());
      var edited = new Migrations(List.of(migration(1, "first", "create table a (id bigint);")));
      assertThatThrownBy(() -> edited.apply(postgres.jdbi()))
          .hasMessage("migration V1__first was changed after it was applied; add a new migration instead");
    }
  }

  @Test
  void aFailingMigrationLeavesNothingHalfDone() {
    try (var postgres = postgres()) {
      var broken = new Migrations(List.of(migration(1, "broken", "create table a (id int); insert into nowhere values (1);")));
      assertThatThrownBy(() -> broken.apply(postgres.jdbi()));
      Integer tables = postgres.jdbi().withHandle(h -> h.createQuery("select count(*) from information_schema.tables where table_name = 'a'")
          .mapTo(Integer.class).one());
      assertThat(tables).isZero();
      Integer recorded = postgres.jdbi().withHandle(h -> h.createQuery("select count(*) from schema_migrations").mapTo(Integer.class).one());
      assertThat(recorded).isZero();
    }
  }

  private Postgres postgres() {
    return new Postgres(PostgresUrl.parse("DATABASE_URL", database.url()), "test", 2);
  }

  private static Migrations.Migration migration(int version, String name, String sql) {
    return new Migrations.Migration(version, name, sql, Migrations.checksum(sql));
  }
}
