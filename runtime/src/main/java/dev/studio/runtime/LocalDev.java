package dev.studio.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code RuntimeMain dev}: role {@code all} against the datastores on this machine, for trying
 * the platform and developing it. It fills in what a cluster would supply: a database {@code
 * studio} (created if missing), the local Redis and NATS, and platform keys generated once into
 * {@code .studio-dev/secrets.properties}; any variable set in the environment wins. The admin
 * token is written to {@code .studio-dev/admin-token}, not printed.
 */
final class LocalDev {
  static final Path DIR = Path.of(".studio-dev");

  private LocalDev() {}

  static Map<String, String> environment(Map<String, String> actual) throws IOException {
    var env = new HashMap<String, String>();
    env.put("STUDIO_ROLE", "all");
    env.put("STUDIO_HTTP_PORT", "8080");
    env.put("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/studio?sslmode=disable");
    env.put("REDIS_URL", "redis://127.0.0.1:6379");
    env.put("NATS_URL", "nats://127.0.0.1:4222");
    env.put("STUDIO_INSTANCE", "local");
    env.put("SANDBOX_PROVIDER", "local");
    env.put("SHUTDOWN_GRACE_SECONDS", "5");
    env.putAll(keys());
    env.putAll(actual);
    if (!actual.containsKey("DATABASE_URL")) {
      createDatabaseIfMissing("studio");
    }
    return env;
  }

  /** Platform keys, generated on first use and kept, so the vault stays readable across runs. */
  private static Map<String, String> keys() throws IOException {
    Files.createDirectories(DIR);
    Path file = DIR.resolve("secrets.properties");
    var properties = new Properties();
    if (Files.exists(file)) {
      try (var in = Files.newInputStream(file)) {
        properties.load(in);
      }
    } else {
      var random = new SecureRandom();
      properties.setProperty("STUDIO_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(bytes(random, 32)));
      properties.setProperty("STUDIO_JWT_SECRET", Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(random, 48)));
      properties.setProperty("STUDIO_ADMIN_TOKEN", "sta_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(random, 32)));
      try (var out = Files.newOutputStream(file)) {
        properties.store(out, "Local development keys of the studio runtime; keep them out of version control.");
      }
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
    Path token = DIR.resolve("admin-token");
    Files.writeString(token, properties.getProperty("STUDIO_ADMIN_TOKEN"));
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    var keys = new HashMap<String, String>();
    properties.forEach((k, v) -> keys.put((String) k, (String) v));
    return keys;
  }

  private static void createDatabaseIfMissing(String name) {
    try (var connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "")) {
      var exists = connection.prepareStatement("select 1 from pg_database where datname = ?");
      exists.setString(1, name);
      if (!exists.executeQuery().next()) {
        connection.createStatement().execute("create database " + name);
      }
    } catch (SQLException e) {
      throw new InvalidSetting("cannot reach PostgreSQL on 127.0.0.1:5432 to create database '" + name
          + "' (start it, or set DATABASE_URL): " + e.getMessage());
    }
  }

  private static byte[] bytes(SecureRandom random, int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }
}
