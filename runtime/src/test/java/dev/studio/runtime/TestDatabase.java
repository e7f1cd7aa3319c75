package dev.studio.runtime;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A fresh PostgreSQL database for one test class, on the local server, dropped afterwards: tests
 * never see each other's rows or a previous run's.
 */
public final class TestDatabase implements AutoCloseable {
  static final String ADMIN_URL = System.getProperty("studio.test.postgres", "jdbc:postgresql://127.0.0.1:5432/postgres");
  static final String USER = System.getProperty("studio.test.postgres.user", "postgres");

  private final String name;

  private TestDatabase(String name) {
    this.name = name;
  }

  public static TestDatabase create() {
    String name = "studio_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = admin()) {
      c.createStatement().execute("create database " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database on " + ADMIN_URL + " (is PostgreSQL running?): " + e.getMessage(), e);
    }
    return new TestDatabase(name);
  }

  /** The database in the libpq form DATABASE_URL takes. */
  public String url() {
    return "postgres://" + USER + "@127.0.0.1:5432/" + name + "?sslmode=disable";
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:5432/" + name + "?user=" + USER;
  }

  public String name() {
    return name;
  }

  private static Connection admin() throws SQLException {
    return DriverManager.getConnection(ADMIN_URL, USER, "");
  }

  @Override
  public void close() {
    try (Connection c = admin()) {
      c.createStatement().execute("drop database if exists " + name + " with (force)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test database " + name, e);
    }
  }
}
