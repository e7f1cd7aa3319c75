package dev.studio.runtime.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned SQL migrations ({@code db/migration/V<n>__<name>.sql} on the classpath), applied at
 * start-up in order, each in its own transaction, under a PostgreSQL advisory lock: when several
 * replicas start at once, one migrates and the others wait, then find nothing left to do. A
 * migration already applied whose file has changed stops start-up, since the database no longer
 * matches the code.
 */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);
  private static final Pattern FILE = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");
  /** The advisory lock key: any bigint unique to this purpose. */
  static final long LOCK = 0x5354_5544_494f_4d47L; // "STUDIOMG"
  static final String DIRECTORY = "db/migration";

  /** One migration script. */
  public record Migration(int version, String name, String sql, String checksum) {}

  private final List<Migration> migrations;

  public Migrations(List<Migration> migrations) {
    this.migrations = migrations.stream().sorted((a, b) -> Integer.compare(a.version(), b.version())).toList();
    for (int i = 1; i < this.migrations.size(); i++) {
      if (this.migrations.get(i).version() == this.migrations.get(i - 1).version()) {
        throw new IllegalStateException("two migrations have version " + this.migrations.get(i).version());
      }
    }
  }

  /** The migrations under {@code db/migration} on the classpath (a directory or inside a jar). */
  public static Migrations fromClasspath() {
    URL location = Migrations.class.getClassLoader().getResource(DIRECTORY);
    if (location == null) {
      throw new IllegalStateException("no " + DIRECTORY + " on the classpath");
    }
    try {
      URI uri = location.toURI();
      if (uri.getScheme().equals("jar")) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          return new Migrations(scan(jar.getPath(DIRECTORY)));
        }
      }
      return new Migrations(scan(Path.of(uri)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Migration> scan(Path directory) throws IOException {
    List<Migration> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        Matcher m = FILE.matcher(name);
        if (!m.matches()) {
          throw new IllegalStateException("migration file name " + name + " is not V<n>__<name>.sql");
        }
        String sql = Files.readString(file, StandardCharsets.UTF_8);
        found.add(new Migration(Integer.parseInt(m.group(1)), m.group(2), sql, checksum(sql)));
      }
    }
    return found;
  }

  /** Applies what is not applied yet; returns the versions this call applied. */
  public List<Integer> apply(Jdbi jdbi) {
    return jdbi.withHandle(handle -> {
      handle.execute("select pg_advisory_lock(?)", LOCK);
      try {
        handle.execute("""
            create table if not exists schema_migrations (
              version integer primary key,
              name text not null,
              checksum text not null,
              applied_at timestamptz not null default now()
            )""");
        Map<Integer, String> applied = handle.createQuery("select version, checksum from schema_migrations")
            .map((rs, ctx) -> Map.entry(rs.getInt(1), rs.getString(2)))
            .stream()
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        List<Integer> now = new ArrayList<>();
        for (Migration migration : migrations) {
          String checksum = applied.get(migration.version());
          if (checksum != null) {
            if (!checksum.equals(migration.checksum())) {
              throw new IllegalStateException("migration V" + migration.version() + "__" + migration.name()
                  + " was changed after it was applied; add a new migration instead");
            }
            continue;
          }
          applyOne(handle, migration);
          now.add(migration.version());
        }
        return now;
      } finally {
        handle.execute("select pg_advisory_unlock(?)", LOCK);
      }
    });
  }

  private static void applyOne(Handle handle, Migration migration) {
    long start = System.nanoTime();
    handle.useTransaction(tx -> {
      tx.createScript(migration.sql()).execute();
      tx.execute("insert into schema_migrations (version, name, checksum) values (?, ?, ?)",
          migration.version(), migration.name(), migration.checksum());
    });
    log.info("applied migration V{}__{} in {} ms", migration.version(), migration.name(), (System.nanoTime() - start) / 1_000_000);
  }

  static String checksum(String sql) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sql.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  List<Migration> migrations() {
    return migrations;
  }

}
